"use server";

import { redirect } from "next/navigation";
import { authorizeAction, refererPath } from "@/lib/auth/session";
import { setNotice, type Notice } from "@/lib/http/notices";
import { applyModeration, parseModerationForm, undoModeration } from "@/lib/moderation/apply";
import { MODERATION_NOTICE_PARAMS } from "@/lib/moderation/notices";
import { startQueueCheck } from "@/lib/moderation/check";
import { startEmptyQueue } from "@/lib/moderation/moderate";
import { verifyAndRecordKey } from "@/lib/spam/overview";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { kickOutbox } from "@/lib/jobs/scheduler";

const PAGE = "/moderation";

/**
 * Back to the queue view the form came from (same-origin path only), with a
 * message and an undo token. The message is a code and numbers (`done=` or
 * `error=`, lib/moderation/notices.ts), never text: the page has the words.
 */
async function back(message: { done: Notice } | { error: Notice }, undo: string | null = null): Promise<never> {
  const from = new URL(await refererPath(PAGE), "http://x");
  const url = from.pathname === PAGE || from.pathname === "/admin" ? from : new URL(PAGE, "http://x");
  for (const key of [...MODERATION_NOTICE_PARAMS, "undo"]) url.searchParams.delete(key);
  if ("done" in message) setNotice(url.searchParams, "done", message.done);
  else setNotice(url.searchParams, "error", message.error);
  if (undo) url.searchParams.set("undo", undo);
  redirect(url.pathname + url.search);
}

/** Row buttons and bulk actions (one form). */
export async function moderateAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return; // the page, rendered again, answers 403
  const parsed = parseModerationForm(formData);
  if (!parsed) await back({ error: { code: "choose" } });
  const outcome = await applyModeration(actor, parsed!.action, parsed!.items);
  kickOutbox(); // corrections reach Akismet soon, in the background
  await expirePageChanges();
  await back({ done: outcome.notice }, outcome.undoToken);
}

export async function undoAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const outcome = await undoModeration(actor, formData.get("token"));
  kickOutbox();
  await expirePageChanges();
  await back({ done: outcome.notice });
}

/** Empty Spam / Empty Trash: starts the background job; the page shows its progress. */
export async function emptyQueueAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const queue = formData.get("queue");
  if (queue !== "spam" && queue !== "trash") await back({ error: { code: "unknown_queue" } });
  const which = queue as "spam" | "trash";
  if (formData.get("confirm") !== "yes") await back({ error: { code: "confirm_empty", values: { which } } });
  const start = await startEmptyQueue(actor, which);
  if (!start.started) await back({ error: { code: "already_emptying", values: { which } } });
  const total = start.started ? start.total : 0;
  await back({ done: { code: "emptying", values: { which, n: total } } });
}

/** Check for spam over the whole Pending queue: starts the background job; the page shows its progress. */
export async function checkQueueAction(): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const start = await startQueueCheck(actor);
  if (!start.started) {
    await back({ error: { code: start.reason === "running" ? "check_running" : "no_key" } });
  }
  const total = start.started ? start.total : 0;
  await back({ done: { code: "checking", values: { n: total } } });
}

export async function verifyKeyAction(): Promise<void> {
  const actor = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  if (!actor) return;
  const result = await verifyAndRecordKey();
  // The error's own words go to the Akismet panel (verifyAndRecordKey records them), not into the address.
  await back({ done: { code: result.error ? "key_error" : result.valid ? "key_accepted" : "key_refused" } });
}
