import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { HELD_DIGESTS, users, type HeldDigest } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { getDb, type Db } from "@/lib/db";
import { textOfNotice, type NoticeCatalog } from "@/lib/http/notices";

/** The digest choices a moderator has, for the account page. */
export { HELD_DIGESTS, type HeldDigest } from "@/db/model";

export const HELD_DIGEST_LABELS: Record<HeldDigest, string> = {
  off: "Off",
  hourly: "Every hour",
  daily: "Once a day",
};

const choice = z.enum(HELD_DIGESTS);

/**
 * What /account says after a change of the digest setting: `?digest=<code>`
 * (lib/http/notices.ts), never the words themselves.
 */
export const DIGEST_NOTICES: NoticeCatalog = {
  saved: () => "Saved.",
  not_moderator: () => "Only moderators can have the digest of held comments.",
  invalid: () => "Choose Off, Every hour or Once a day.",
};

export type DigestChange = { ok: true; value: HeldDigest } | { ok: false; code: "not_moderator" | "invalid"; message: string };

const refused = (code: "not_moderator" | "invalid"): DigestChange => ({ ok: false, code, message: textOfNotice(DIGEST_NOTICES, { code }, undefined) ?? "" });

/**
 * Sets a moderator's digest of held comments. Only accounts that may
 * moderate (read from the database by the caller) can have one.
 */
export async function setHeldDigest(
  account: { id: number; role: "reader" | "editor" | "moderator" | "admin"; banned: boolean },
  value: unknown,
  db: Db = getDb(),
): Promise<DigestChange> {
  if (!can(account, "comment:moderate")) return refused("not_moderator");
  const parsed = choice.safeParse(value);
  if (!parsed.success) return refused("invalid");
  await db.update(users).set({ heldDigest: parsed.data, updatedAt: new Date() }).where(eq(users.id, account.id));
  return { ok: true, value: parsed.data };
}
