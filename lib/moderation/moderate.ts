import "server-only";
import { afterApproval } from "@/lib/comments/approval-mail";
import { performance } from "node:perf_hooks";
import { and, count, desc, eq } from "drizzle-orm";
import { commentEvents, comments, type CommentStatus, type SpamCheckRecord } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { getDb, row, rows, sql, transaction, type Db } from "@/lib/db";
import { forUpdate, indexedBy, jsonValue } from "@/lib/db/dialect";
import { restAfterSlice } from "@/lib/pacing";
import { claimJobRun, finishJobRun, heartbeatJobRun } from "@/lib/db/job-runs";
import { akismetConfigured } from "@/lib/spam/akismet";
import { closeOpenReports } from "@/lib/community/reports";
import { enqueueFeedback } from "./feedback";
import {
  correctionFor,
  feedbackFor,
  moderatorReason,
  STATUS_LABELS,
  targetStatus,
  type ModerationAction,
} from "./transitions";

export type Moderator = { id: number; name: string };

/** How a decision that closed a comment's reports is named in its history. */
const PAST_FOR_REPORTS: Record<ModerationAction | "undo", string> = {
  approve: "approved",
  unapprove: "unapproved",
  spam: "marked as spam",
  not_spam: "marked as not spam",
  trash: "moved to Trash",
  restore: "restored",
  delete: "deleted",
  keep: "kept",
  feature: "featured",
  unfeature: "unfeatured",
  undo: "an undo",
};

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
export async function moderateComment(
  db: Db,
  actor: Moderator,
  input: { id: number; action: ModerationAction | "undo"; expected: CommentStatus; target?: CommentStatus },
  now = new Date(),
): Promise<ModerationResult> {
  return transaction(db, async (tx): Promise<ModerationResult> => {
    // Locked until the end (PostgreSQL): a second moderator's action on the
    // same comment waits, then finds it moved and is told so.
    const found = await row<{ id: number; status: CommentStatus; spamCheck: unknown; featuredAt: number | string | null }>(
      tx,
      sql`select id, status, spam_check as "spamCheck", featured_at as "featuredAt" from comments where id = ${input.id} ${forUpdate(tx)}`,
    );
    if (!found) return { ok: false, id: input.id, code: "stale", current: null, message: "This comment no longer exists." } as const;
    const current = { id: found.id, status: found.status, spamCheck: jsonValue<SpamCheckRecord>(found.spamCheck) };
    if (current.status !== input.expected) {
      return {
        ok: false,
        id: input.id,
        code: "stale",
        current: current.status,
        message: `Someone already moved this comment to ${STATUS_LABELS[current.status]}; nothing changed.`,
      } as const;
    }

    let to: CommentStatus | null | "invalid";
    if (input.action === "undo") {
      to = input.target && input.target !== current.status ? input.target : "invalid";
    } else {
      const [trashed] =
        input.action === "restore"
          ? await tx
              .select({ from: commentEvents.fromStatus })
              .from(commentEvents)
              .where(and(eq(commentEvents.commentId, current.id), eq(commentEvents.toStatus, "trash")))
              .orderBy(desc(commentEvents.id))
              .limit(1)
          : [];
      to = targetStatus(input.action, current.status, trashed?.from ?? null);
    }
    // Feature what is not featured yet, unfeature what is.
    const featured = found.featuredAt !== null;
    if ((input.action === "feature" && featured && current.status === "approved") || (input.action === "unfeature" && !featured)) to = "invalid";
    if (to === "invalid") {
      return { ok: false, id: input.id, code: "invalid", current: current.status, message: "That action does not apply to this comment." } as const;
    }

    if (to === null) {
      const removal = await deleteCommentsKeepingReplies(tx, [current.id], {
        actor,
        how: `deleted permanently by ${actor.name}`,
        onlyIfStatus: input.expected,
        now,
      });
      const kept = removal.repliesKept;
      return {
        ok: true,
        id: current.id,
        from: current.status,
        to: null,
        message: `Deleted permanently.${kept ? ` Its ${kept} ${kept === 1 ? "reply stays" : "replies stay"}, moved up a level.` : ""}`,
        feedback: null,
        keptReplyIds: removal.keptReplyIds,
      } as const;
    }

    const reason = moderatorReason(input.action, actor.name);
    const featuring =
      input.action === "feature" ? { featuredAt: now, featuredBy: actor.id } : input.action === "unfeature" ? { featuredAt: null, featuredBy: null } : {};
    await tx
      .update(comments)
      .set({ status: to, statusReason: reason, updatedAt: now, nextSpamCheckAt: null, ...featuring })
      .where(and(eq(comments.id, current.id), eq(comments.status, input.expected)));
    // A moderator's decision reviews the comment's open reports (Unfeature decides nothing about them).
    if (input.action !== "unfeature") await closeOpenReports(tx, current.id, actor, now, PAST_FOR_REPORTS[input.action]);
    const verdict = current.spamCheck?.verdict ?? null;
    const correction = correctionFor(verdict, current.status, to);
    await addCommentEvent(tx, {
      commentId: current.id,
      type: "moderation",
      actorId: actor.id,
      fromStatus: current.status,
      toStatus: to,
      message: reason,
      detail: { action: input.action, akismetVerdict: verdict, correction },
      at: now,
    });
    if (to === "approved") await afterApproval(tx, current.id, now);

    let feedback: "queued" | "cancelled" | null = null;
    const kind = feedbackFor(current.status, to);
    const params = current.spamCheck?.params;
    if (kind && params && Object.keys(params).length > 0) {
      if (akismetConfigured()) {
        feedback = await enqueueFeedback(tx, { commentId: current.id, kind, params, actorId: actor.id, now });
      } else {
        await addCommentEvent(tx, {
          commentId: current.id,
          type: "akismet_feedback",
          actorId: actor.id,
          message: `Not reported to Akismet (${kind}): no Akismet key is configured`,
          at: now,
        });
      }
    }
    return { ok: true, id: current.id, from: current.status, to, message: `${STATUS_LABELS[current.status]} → ${STATUS_LABELS[to]}.`, feedback } as const;
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
export async function startEmptyQueue(
  actor: Moderator,
  status: "spam" | "trash",
  { sliceMs = 10 }: { sliceMs?: number } = {},
  db: Db = getDb(),
): Promise<EmptyQueueStart> {
  // What is in the queue now: a comment moved into it later (a moderator's click, a
  // re-check) has a later updated_at, and one posted later a higher id; both stay.
  const clickedAt = Date.now();
  const [queued] = await db
    .select({ total: count(), maxId: sql<number>`coalesce(max(${comments.id}), 0)`.mapWith(Number) })
    .from(comments)
    .where(eq(comments.status, status));
  const { total, maxId } = queued!;
  const initial: EmptyQueueProgress = { queue: status, total, deleted: 0, repliesKept: 0 };
  const claim = await claimJobRun(db, emptyQueueJob(status), { actorId: actor.id, summary: initial });
  if (!claim.ok) return { started: false, progress: (claim.running.summary as EmptyQueueProgress | null) ?? null };
  const runId = claim.run.id;
  const next = () =>
    rows<{ id: number }>(
      db,
      sql`select id from comments ${indexedBy(db, "comments_status_created_idx")}
       where status = ${status} and id <= ${maxId} and updated_at <= ${clickedAt} order by created_at, id limit 500`,
    );
  const finished = (async () => {
    const progress = { ...initial };
    try {
      for (;;) {
        const ids = (await next()).map((r) => r.id);
        if (ids.length === 0) break;
        let deleted = 0;
        for (let i = 0; i < ids.length; ) {
          const sliceStartedAt = performance.now();
          const removal = await deleteCommentsKeepingReplies(db, ids.slice(i), {
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
        await heartbeatJobRun(db, runId, { ...progress });
        if (deleted === 0) break; // every candidate moved away meanwhile
      }
      await finishJobRun(db, runId, { ...progress });
      console.log(`[moderation] ${actor.name} emptied ${status}: ${progress.deleted} deleted, ${progress.repliesKept} replies kept`);
    } catch (error) {
      await finishJobRun(db, runId, { ...progress, error: error instanceof Error ? error.message : String(error) }).catch((e: unknown) =>
        console.error(`[moderation] recording the end of emptying ${status} failed:`, e),
      );
      console.error(`[moderation] emptying ${status} failed:`, error);
    }
    return progress;
  })();
  return { started: true, runId, total, finished };
}
