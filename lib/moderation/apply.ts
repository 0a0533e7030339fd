import "server-only";
import { z } from "zod";
import { COMMENT_STATUSES, type CommentStatus } from "@/db/schema";
import { getDb } from "@/lib/db";
import { checkPendingForSpam } from "./check";
import { moderateComment, type ModerationResult, type Moderator } from "./moderate";
import { MODERATION_ACTIONS, STATUS_LABELS, type ModerationAction } from "./transitions";
import { issueUndoToken, readUndoToken } from "./undo";

export type ApplyOutcome = { message: string; undoToken: string | null; changed: number; stale: number };

const actionSchema = z.enum([...MODERATION_ACTIONS, "check"]);

/**
 * Reads a moderation form: one row's button (`rowAction` = "approve:123") or
 * a bulk action on the ticked rows (`bulkAction` + `ids`), each with the
 * status the moderator saw (`expected_<id>`).
 */
export function parseModerationForm(form: FormData): { action: ModerationAction | "check"; items: { id: number; expected: CommentStatus }[] } | null {
  const row = form.get("rowAction");
  let action: unknown;
  let ids: number[];
  if (typeof row === "string" && row.includes(":")) {
    const [a, id] = row.split(":");
    action = a;
    ids = [Number(id)];
  } else {
    action = form.get("bulkAction");
    ids = form.getAll("ids").map(Number);
  }
  const parsedAction = actionSchema.safeParse(action);
  if (!parsedAction.success) return null;
  const items: { id: number; expected: CommentStatus }[] = [];
  for (const id of new Set(ids)) {
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    const expected = z.enum(COMMENT_STATUSES).safeParse(form.get(`expected_${id}`));
    if (!expected.success) return null;
    items.push({ id, expected: expected.data });
  }
  if (items.length === 0 || items.length > 200) return null;
  return { action: parsedAction.data, items };
}

const plural = (n: number, word: string) => `${n} comment${n === 1 ? "" : "s"} ${word}`;

/** Applies a parsed moderation form for a moderator; the message says what happened, including stale rows. */
export async function applyModeration(
  actor: Moderator,
  action: ModerationAction | "check",
  items: { id: number; expected: CommentStatus }[],
): Promise<ApplyOutcome> {
  const db = getDb();
  if (action === "check") {
    const s = await checkPendingForSpam(db, actor, items.filter((i) => i.expected === "pending").map((i) => i.id));
    const parts = [`Checked ${s.checked}`, `${s.spam} spam`, `${s.approved} approved`, `${s.stillPending} still pending`];
    if (s.failed) parts.push(`${s.failed} could not be checked (Akismet failed)`);
    if (s.skipped) parts.push(`${s.skipped} skipped`);
    return { message: `${parts.join(", ")}.`, undoToken: null, changed: s.spam + s.approved, stale: 0 };
  }
  // One after another, each its own transaction.
  const results: ModerationResult[] = [];
  for (const i of items) results.push(await moderateComment(db, actor, { id: i.id, action, expected: i.expected }));
  return summarize(actor, results, action);
}

export async function undoModeration(actor: Moderator, token: unknown): Promise<ApplyOutcome> {
  const moves = readUndoToken(token, actor.id);
  if (!moves) return { message: "That undo has expired or is not yours; nothing changed.", undoToken: null, changed: 0, stale: 0 };
  const db = getDb();
  const results: ModerationResult[] = [];
  for (const m of moves) results.push(await moderateComment(db, actor, { id: m.id, action: "undo", expected: m.to, target: m.from }));
  const outcome = summarize(actor, results, "undo");
  return { ...outcome, undoToken: null };
}

function summarize(actor: Moderator, results: ModerationResult[], action: ModerationAction | "undo"): ApplyOutcome {
  const done = results.filter((r) => r.ok);
  const stale = results.filter((r) => !r.ok);
  const words: Record<ModerationAction | "undo", string> = {
    approve: "approved",
    unapprove: "unapproved",
    spam: "marked as spam",
    not_spam: "marked as not spam",
    trash: "moved to Trash",
    restore: "restored",
    delete: "deleted permanently",
    undo: "moved back",
  };
  const parts: string[] = [];
  if (done.length > 0) parts.push(`${plural(done.length, words[action])}.`);
  // Replies that stayed: moved up by one deletion and not deleted by another in the same action.
  const deletedIds = new Set(done.flatMap((r) => (r.ok && r.to === null ? [r.id] : [])));
  const kept = new Set(done.flatMap((r) => (r.ok ? (r.keptReplyIds ?? []) : [])).filter((id) => !deletedIds.has(id))).size;
  if (kept > 0) parts.push(`${kept} ${kept === 1 ? "reply" : "replies"} to ${done.length === 1 ? "it" : "them"} stay${kept === 1 ? "s" : ""}, moved up a level.`);
  for (const s of stale.slice(0, 3)) {
    if (!s.ok) parts.push(s.code === "stale" && s.current ? `#${s.id}: already in ${STATUS_LABELS[s.current]}; nothing changed.` : `#${s.id}: ${s.message}`);
  }
  if (stale.length > 3) parts.push(`${stale.length - 3} more could not be changed.`);
  const undoable = done.flatMap((r) => (r.ok && r.to !== null ? [{ id: r.id, from: r.from, to: r.to }] : []));
  return {
    message: parts.join(" ") || "Nothing changed.",
    undoToken: action !== "undo" && undoable.length > 0 ? issueUndoToken(actor.id, undoable) : null,
    changed: done.length,
    stale: stale.length,
  };
}
