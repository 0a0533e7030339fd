import { COMMENT_STATUSES } from "@/db/model";
import { plural, type NoticeCatalog, type NoticeValues } from "@/lib/http/notices";
import { MODERATION_ACTIONS, STATUS_LABELS } from "./transitions";

/**
 * What /moderation says after an action (lib/http/notices.ts): a code and
 * numbers in the address, the words here. `?done=approve&n=3` is "3
 * comments approved."; `&kept=2` adds the replies that stayed, `&stale=12:spam,13:gone`
 * the rows that could not be changed (at most 3, `&more=` counts the rest).
 * The parameter names are none of the queue view's own (queue, page,
 * article, q, reason, undo).
 */
export const MODERATION_NOTICE_PARAMS = ["done", "error", "n", "kept", "stale", "more", "which", "checked", "spam", "approved", "pending", "failed", "skipped"] as const;

/** Why a row could not be changed: the status it is in now, gone, or the action does not apply to it. */
export const STALE_WORDS = [...COMMENT_STATUSES, "gone", "invalid"] as const;
export type StaleWord = (typeof STALE_WORDS)[number];

const ACTION_WORDS: Record<(typeof MODERATION_ACTIONS)[number] | "undo", string> = {
  approve: "approved",
  unapprove: "unapproved",
  spam: "marked as spam",
  not_spam: "marked as not spam",
  trash: "moved to Trash",
  restore: "restored",
  delete: "deleted permanently",
  keep: "kept, their reports closed",
  feature: "featured",
  unfeature: "no longer featured",
  undo: "moved back",
};

const QUEUES = ["spam", "trash"] as const;
const QUEUE_WORDS: Record<(typeof QUEUES)[number], string> = { spam: "Spam", trash: "Trash" };

function staleText(id: number, word: StaleWord): string {
  if (word === "gone") return `#${id}: This comment no longer exists.`;
  if (word === "invalid") return `#${id}: That action does not apply to this comment.`;
  return `#${id}: already in ${STATUS_LABELS[word]}; nothing changed.`;
}

/** "2 comments unapproved. 1 reply to it stays, moved up a level. #12: already in Trash; nothing changed." */
function actionText(action: keyof typeof ACTION_WORDS, v: NoticeValues): string | null {
  const n = v.count("n");
  if (n === null) return null;
  const parts: string[] = [];
  if (n > 0) parts.push(`${plural(n, "comment")} ${ACTION_WORDS[action]}.`);
  const kept = v.count("kept") ?? 0;
  if (kept > 0) parts.push(`${kept} ${kept === 1 ? "reply" : "replies"} to ${n === 1 ? "it" : "them"} stay${kept === 1 ? "s" : ""}, moved up a level.`);
  const stale = v.pairs("stale", STALE_WORDS) ?? [];
  for (const s of stale.slice(0, 3)) parts.push(staleText(s.id, s.word));
  const more = v.count("more") ?? 0;
  if (more > 0) parts.push(`${more} more could not be changed.`);
  return parts.join(" ") || "Nothing changed.";
}

export const MODERATION_DONE: NoticeCatalog = {
  ...Object.fromEntries(
    (Object.keys(ACTION_WORDS) as (keyof typeof ACTION_WORDS)[]).map((action) => [action, (v: NoticeValues) => actionText(action, v)]),
  ),
  check: (v) => {
    const [checked, spam, approved, pending] = [v.count("checked"), v.count("spam"), v.count("approved"), v.count("pending")];
    if (checked === null || spam === null || approved === null || pending === null) return null;
    const parts = [`Checked ${checked}`, `${spam} spam`, `${approved} approved`, `${pending} still pending`];
    const failed = v.count("failed") ?? 0;
    const skipped = v.count("skipped") ?? 0;
    if (failed) parts.push(`${failed} could not be checked (Akismet failed)`);
    if (skipped) parts.push(`${skipped} skipped`);
    return `${parts.join(", ")}.`;
  },
  undo_expired: () => "That undo has expired or is not yours; nothing changed.",
  emptying: (v) => {
    const which = v.oneOf("which", QUEUES);
    const n = v.count("n");
    return which && n !== null ? `Emptying ${QUEUE_WORDS[which]}: ${plural(n, "comment")} to delete permanently; progress is shown below.` : null;
  },
  checking: (v) => {
    const n = v.count("n");
    return n === null ? null : `Checking ${plural(n, "pending comment")} for spam; progress is shown below.`;
  },
  key_accepted: () => "Akismet accepted the key.",
  key_refused: () => "Akismet refused the key.",
  // The error itself is in the Akismet panel (its last error), not in the address.
  key_error: () => "Could not verify the key: the Akismet panel shows the error.",
};

export const MODERATION_ERRORS: NoticeCatalog = {
  choose: () => "Choose an action and at least one comment.",
  unknown_queue: () => "Unknown queue.",
  confirm_empty: (v) => {
    const which = v.oneOf("which", QUEUES);
    return which ? `Tick “I am sure” to empty ${QUEUE_WORDS[which]}; nothing was deleted.` : null;
  },
  already_emptying: (v) => {
    const which = v.oneOf("which", QUEUES);
    return which ? `${QUEUE_WORDS[which]} is already being emptied; its progress is shown below.` : null;
  },
  check_running: () => "A check of the Pending queue is already running; its progress is shown below.",
  no_key: () => "No Akismet key is configured, so nothing can be checked.",
};
