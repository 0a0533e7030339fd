import "server-only";
import { performance } from "node:perf_hooks";
import { and, desc, eq } from "drizzle-orm";
import { commentEvents, comments, type CommentStatus } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { statement, type Db } from "@/lib/db";
import { claimJobRun, finishJobRun, heartbeatJobRun, restAfterSlice } from "@/lib/jobs/runs";
import { akismetConfigured } from "@/lib/spam/akismet";
import { enqueueFeedback } from "./outbox";
import {
  correctionFor,
  feedbackFor,
  moderatorReason,
  STATUS_LABELS,
  targetStatus,
  type ModerationAction,
} from "./transitions";

export type Moderator = { id: number; name: string };

export type ModerationResult =
  | {
      ok: true;
      id: number;
      from: CommentStatus;
      to: CommentStatus | null;
      message: string;
      feedback: "queued" | "cancelled" | null;
      /** For a permanent deletion: the replies that stayed and moved up a level. */
      keptReplyIds?: number[];
    }
  | { ok: false; id: number; code: "stale" | "invalid"; current: CommentStatus | null; message: string };

/**
 * One moderator action on one comment, in one transaction: the move (only if
 * the comment is still in the status the moderator saw, so two moderators
 * never silently overwrite each other), its history entry, and any Akismet
 * report queued in the outbox (sent in the background by `processOutbox`).
 * `undo` moves a comment back to `target` from the status it was moved to.
 */
export function moderateComment(
  db: Db,
  actor: Moderator,
  input: { id: number; action: ModerationAction | "undo"; expected: CommentStatus; target?: CommentStatus },
  now = new Date(),
): ModerationResult {
  return db.transaction(() => {
    const row = db
      .select({ id: comments.id, status: comments.status, spamCheck: comments.spamCheck })
      .from(comments)
      .where(eq(comments.id, input.id))
      .get();
    if (!row) return { ok: false, id: input.id, code: "stale", current: null, message: "This comment no longer exists." } as const;
    if (row.status !== input.expected) {
      return {
        ok: false,
        id: input.id,
        code: "stale",
        current: row.status,
        message: `Someone already moved this comment to ${STATUS_LABELS[row.status]}; nothing changed.`,
      } as const;
    }

    let to: CommentStatus | null | "invalid";
    if (input.action === "undo") {
      to = input.target && input.target !== row.status ? input.target : "invalid";
    } else {
      const beforeTrash =
        input.action === "restore"
          ? (db
              .select({ from: commentEvents.fromStatus })
              .from(commentEvents)
              .where(and(eq(commentEvents.commentId, row.id), eq(commentEvents.toStatus, "trash")))
              .orderBy(desc(commentEvents.id))
              .limit(1)
              .get()?.from ?? null)
          : null;
      to = targetStatus(input.action, row.status, beforeTrash);
    }
    if (to === "invalid") {
      return { ok: false, id: input.id, code: "invalid", current: row.status, message: "That action does not apply to this comment." } as const;
    }

    if (to === null) {
      const removal = deleteCommentsKeepingReplies(db, [row.id], {
        actor,
        how: `deleted permanently by ${actor.name}`,
        onlyIfStatus: input.expected,
        now,
      });
      const kept = removal.repliesKept;
      return {
        ok: true,
        id: row.id,
        from: row.status,
        to: null,
        message: `Deleted permanently.${kept ? ` Its ${kept} ${kept === 1 ? "reply stays" : "replies stay"}, moved up a level.` : ""}`,
        feedback: null,
        keptReplyIds: removal.keptReplyIds,
      } as const;
    }

    const reason = moderatorReason(input.action, actor.name);
    db.update(comments)
      .set({ status: to, statusReason: reason, updatedAt: now, nextSpamCheckAt: null })
      .where(and(eq(comments.id, row.id), eq(comments.status, input.expected)))
      .run();
    const verdict = row.spamCheck?.verdict ?? null;
    const correction = correctionFor(verdict, row.status, to);
    addCommentEvent(db, {
      commentId: row.id,
      type: "moderation",
      actorId: actor.id,
      fromStatus: row.status,
      toStatus: to,
      message: reason,
      detail: { action: input.action, akismetVerdict: verdict, correction },
      at: now,
    });

    let feedback: "queued" | "cancelled" | null = null;
    const kind = feedbackFor(row.status, to);
    const params = row.spamCheck?.params;
    if (kind && params && Object.keys(params).length > 0) {
      if (akismetConfigured()) {
        feedback = enqueueFeedback(db, { commentId: row.id, kind, params, actorId: actor.id, now });
      } else {
        addCommentEvent(db, {
          commentId: row.id,
          type: "akismet_feedback",
          actorId: actor.id,
          message: `Not reported to Akismet (${kind}): no Akismet key is configured`,
          at: now,
        });
      }
    }
    return { ok: true, id: row.id, from: row.status, to, message: `${STATUS_LABELS[row.status]} → ${STATUS_LABELS[to]}.`, feedback } as const;
  });
}

export type EmptyQueueProgress = { queue: "spam" | "trash"; total: number; deleted: number; repliesKept: number };

export type EmptyQueueStart =
  | { started: true; runId: number; total: number; finished: Promise<EmptyQueueProgress> }
  | { started: false; progress: EmptyQueueProgress | null };

export const emptyQueueJob = (status: "spam" | "trash") => `empty-${status}`;

/**
 * Empty Spam / Empty Trash: deletes every comment in that queue at the time
 * of the click (later arrivals stay), keeping replies (they move up a level),
 * in the background: slices of about `sliceMs` of work, each its own
 * transaction, with a rest as long as the slice after each, so every other request is answered meanwhile (bench:moderation
 * measures it).
 * Progress is kept in the run's `job_runs` row for the console; a second
 * start while one runs (in any process) starts nothing.
 */
export function startEmptyQueue(
  db: Db,
  actor: Moderator,
  status: "spam" | "trash",
  { sliceMs = 10 }: { sliceMs?: number } = {},
): EmptyQueueStart {
  // What is in the queue now: a comment moved into it later (a moderator's click, a
  // re-check) has a later updated_at, and one posted later a higher id; both stay.
  const clickedAt = Date.now();
  const { total, maxId } = statement(db, "select count(*) as total, coalesce(max(id), 0) as maxId from comments where status = ?").get(status) as {
    total: number;
    maxId: number;
  };
  const initial: EmptyQueueProgress = { queue: status, total, deleted: 0, repliesKept: 0 };
  const claim = claimJobRun(db, emptyQueueJob(status), { actorId: actor.id, summary: initial });
  if (!claim.ok) return { started: false, progress: (claim.running.summary as EmptyQueueProgress | null) ?? null };
  const runId = claim.run.id;
  const next = statement(
    db,
    `select id from comments indexed by comments_status_created_idx
     where status = ? and id <= ? and updated_at <= ? order by created_at, id limit ?`,
  );
  const finished = (async () => {
    const progress = { ...initial };
    try {
      for (;;) {
        const ids = (next.all(status, maxId, clickedAt, 500) as { id: number }[]).map((r) => r.id);
        if (ids.length === 0) break;
        let deleted = 0;
        for (let i = 0; i < ids.length; ) {
          const sliceStartedAt = performance.now();
          const removal = deleteCommentsKeepingReplies(db, ids.slice(i), {
            actor,
            how: `deleted when ${actor.name} emptied ${status === "spam" ? "Spam" : "Trash"}`,
            onlyIfStatus: status,
            budgetMs: sliceMs,
          });
          i += removal.processed;
          deleted += removal.deleted;
          progress.deleted += removal.deleted;
          progress.repliesKept += removal.repliesKept;
          await restAfterSlice(sliceStartedAt);
        }
        heartbeatJobRun(db, runId, { ...progress });
        if (deleted === 0) break; // every candidate moved away meanwhile
      }
      finishJobRun(db, runId, { ...progress });
      console.log(`[moderation] ${actor.name} emptied ${status}: ${progress.deleted} deleted, ${progress.repliesKept} replies kept`);
    } catch (error) {
      finishJobRun(db, runId, { ...progress, error: error instanceof Error ? error.message : String(error) });
      console.error(`[moderation] emptying ${status} failed:`, error);
    }
    return progress;
  })();
  return { started: true, runId, total, finished };
}
