"use server";

import { authorizeAction } from "@/lib/auth/session";
import { saveModerationSettingsForm, type ModerationSettingsState } from "@/lib/moderation/settings-form";
import { expirePageChanges } from "@/lib/cache/invalidation";

const PAGE = "/moderation/settings";

/** Saves the block lists and rules (all fields or none); the form shows the answer. */
export async function saveModerationSettingsAction(
  prev: ModerationSettingsState,
  formData: FormData,
): Promise<ModerationSettingsState> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return prev; // the page, rendered again, answers 403
  const state = await saveModerationSettingsForm(formData);
  await expirePageChanges();
  if (state.status === "saved") console.log(`[moderation] ${actor.name} saved the moderation settings`);
  return state;
}
