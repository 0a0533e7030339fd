"use server";

import { redirect } from "next/navigation";
import { authorizeAction, refererPath } from "@/lib/auth/session";
import { applyModeration, parseModerationForm, undoModeration } from "@/lib/moderation/apply";
import { startQueueCheck } from "@/lib/moderation/check";
import { startEmptyQueue } from "@/lib/moderation/moderate";
import { verifyAndRecordKey } from "@/lib/spam/overview";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { kickOutbox } from "@/lib/jobs/scheduler";

const PAGE = "/moderation";

/** Back to the queue view the form came from (same-origin path only), with a message and an undo token. */
async function back(params: Record<string, string | null>): Promise<never> {
  const from = new URL(await refererPath(PAGE), "http://x");
  const url = from.pathname === PAGE || from.pathname === "/admin" ? from : new URL(PAGE, "http://x");
  for (const key of ["done", "undo", "error"]) url.searchParams.delete(key);
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  redirect(url.pathname + url.search);
}

/** Row buttons and bulk actions (one form). */
export async function moderateAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return; // the page, rendered again, answers 403
  const parsed = parseModerationForm(formData);
  if (!parsed) await back({ error: "Choose an action and at least one comment." });
  const outcome = await applyModeration(actor, parsed!.action, parsed!.items);
  kickOutbox(); // corrections reach Akismet soon, in the background
  await expirePageChanges();
  await back({ done: outcome.message, undo: outcome.undoToken });
}

export async function undoAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const outcome = await undoModeration(actor, formData.get("token"));
  kickOutbox();
  await expirePageChanges();
  await back({ done: outcome.message });
}

/** Empty Spam / Empty Trash: starts the background job; the page shows its progress. */
export async function emptyQueueAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const queue = formData.get("queue");
  if (queue !== "spam" && queue !== "trash") await back({ error: "Unknown queue." });
  const label = queue === "spam" ? "Spam" : "Trash";
  if (formData.get("confirm") !== "yes") await back({ error: `Tick “I am sure” to empty ${label}; nothing was deleted.` });
  const start = await startEmptyQueue(actor, queue as "spam" | "trash");
  if (!start.started) await back({ error: `${label} is already being emptied; its progress is shown below.` });
  const total = start.started ? start.total : 0;
  await back({ done: `Emptying ${label}: ${total} comment${total === 1 ? "" : "s"} to delete permanently; progress is shown below.` });
}

/** Check for spam over the whole Pending queue: starts the background job; the page shows its progress. */
export async function checkQueueAction(): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const start = await startQueueCheck(actor);
  if (!start.started) {
    await back({
      error:
        start.reason === "running"
          ? "A check of the Pending queue is already running; its progress is shown below."
          : "No Akismet key is configured, so nothing can be checked.",
    });
  }
  const total = start.started ? start.total : 0;
  await back({ done: `Checking ${total} pending comment${total === 1 ? "" : "s"} for spam; progress is shown below.` });
}

export async function verifyKeyAction(): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const result = await verifyAndRecordKey();
  await back({ done: result.error ? `Could not verify the key: ${result.error}` : result.valid ? "Akismet accepted the key." : "Akismet refused the key." });
}
