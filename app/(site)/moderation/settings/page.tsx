import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { initialSettingsFormState, NUMBER_FIELDS } from "@/lib/moderation/settings-form";
import { settingsSchema } from "@/lib/settings/schema";
import { saveModerationSettingsAction } from "./actions";
import { ModerationSettingsForm, type NumberRanges } from "./settings-form";

export const metadata: Metadata = { title: "Moderation settings", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The allowed range of each number, from the settings schema. */
function numberRanges(): NumberRanges {
  const ranges = {} as NumberRanges;
  for (const key of NUMBER_FIELDS) {
    const schema = settingsSchema.shape[key].unwrap();
    ranges[key] = { min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
  }
  return ranges;
}

export default async function ModerationSettingsPage() {
  await requirePermission("comment:moderate", { callbackUrl: "/moderation/settings" });
  return (
    <div className="admin-page mod-settings">
      <h1 className="page-heading">Moderation settings</h1>
      <p className="muted">
        Block lists and hold rules for reader comments, the order of comment threads and how long commenters may edit,
        and how long Spam and Trash are kept. Comments by editors,
        moderators and admins skip the block lists and hold rules. <Link href="/moderation">Back to the moderation queues</Link>
      </p>
      <ModerationSettingsForm action={saveModerationSettingsAction} initial={await initialSettingsFormState()} ranges={numberRanges()} />
    </div>
  );
}
