import "server-only";
import { z } from "zod";
import { COMMENT_STATUSES, type CommentStatus } from "@/db/schema";
import { getDb } from "@/lib/db";
import { checkPendingForSpam } from "./check";
import { moderateComment, type ModerationResult, type Moderator } from "./moderate";
import { textOfNotice, type Notice } from "@/lib/http/notices";
import { MODERATION_DONE, type StaleWord } from "./notices";
import { MODERATION_ACTIONS, type ModerationAction } from "./transitions";
import { issueUndoToken, readUndoToken } from "./undo";

/** What happened: `notice` for the page (codes and numbers: ./notices.ts), `message` its words. */
export type ApplyOutcome = { message: string; notice: Notice; undoToken: string | null; changed: number; stale: number };

function outcome(notice: Notice, rest: Omit<ApplyOutcome, "message" | "notice">): ApplyOutcome {
  return { message: textOfNotice(MODERATION_DONE, notice, undefined) ?? "", notice, ...rest };
}

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

/** Applies a parsed moderation form for a moderator; the message says what happened, including stale rows. */
export async function applyModeration(
  actor: Moderator,
  action: ModerationAction | "check",
  items: { id: number; expected: CommentStatus }[],
): Promise<ApplyOutcome> {
  const db = getDb();
  if (action === "check") {
    const s = await checkPendingForSpam(db, actor, items.filter((i) => i.expected === "pending").map((i) => i.id));
    const values = { checked: s.checked, spam: s.spam, approved: s.approved, pending: s.stillPending, failed: s.failed || undefined, skipped: s.skipped || undefined };
    return outcome({ code: "check", values }, { undoToken: null, changed: s.spam + s.approved, stale: 0 });
  }
  // One after another, each its own transaction.
  const results: ModerationResult[] = [];
  for (const i of items) results.push(await moderateComment(db, actor, { id: i.id, action, expected: i.expected }));
  return summarize(actor, results, action);
}

export async function undoModeration(actor: Moderator, token: unknown): Promise<ApplyOutcome> {
  const moves = readUndoToken(token, actor.id);
  if (!moves) return outcome({ code: "undo_expired" }, { undoToken: null, changed: 0, stale: 0 });
  const db = getDb();
  const results: ModerationResult[] = [];
  for (const m of moves) results.push(await moderateComment(db, actor, { id: m.id, action: "undo", expected: m.to, target: m.from }));
  return { ...summarize(actor, results, "undo"), undoToken: null };
}

function summarize(actor: Moderator, results: ModerationResult[], action: ModerationAction | "undo"): ApplyOutcome {
  const done = results.filter((r) => r.ok);
  const stale = results.filter((r) => !r.ok);
  // Replies that stayed: moved up by one deletion and not deleted by another in the same action.
  const deletedIds = new Set(done.flatMap((r) => (r.ok && r.to === null ? [r.id] : [])));
  const kept = new Set(done.flatMap((r) => (r.ok ? (r.keptReplyIds ?? []) : [])).filter((id) => !deletedIds.has(id))).size;
  const staleWords = stale.slice(0, 3).flatMap((s): string[] => {
    if (s.ok) return [];
    const word: StaleWord = s.code === "stale" ? (s.current ?? "gone") : "invalid";
    return [`${s.id}:${word}`];
  });
  const notice: Notice = {
    code: action,
    values: {
      n: done.length,
      kept: kept || undefined,
      stale: staleWords.length > 0 ? staleWords.join(",") : undefined,
      more: stale.length > 3 ? stale.length - 3 : undefined,
    },
  };
  // Only moves: Approve in the Reported queue, Feature and Unfeature of a published comment leave it where it was.
  const undoable = done.flatMap((r) => (r.ok && r.to !== null && r.to !== r.from ? [{ id: r.id, from: r.from, to: r.to }] : []));
  return outcome(notice, {
    undoToken: action !== "undo" && undoable.length > 0 ? issueUndoToken(actor.id, undoable) : null,
    changed: done.length,
    stale: stale.length,
  });
}
