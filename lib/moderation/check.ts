import "server-only";
import { afterApproval } from "@/lib/comments/approval-mail";
import { and, count, eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { claimCommentForCheck, releaseCheckLease } from "@/lib/comments/check-lease";
import { getDb, row as firstRow, rows, sql, transaction, type Db } from "@/lib/db";
import { forUpdate } from "@/lib/db/dialect";
import { leaseOwner } from "@/lib/db/leases";
import { yieldToEventLoop } from "@/lib/pacing";
import { claimJobRun, finishJobRun, heartbeatJobRun } from "@/lib/db/job-runs";
import { akismetConfigured, callAkismet, toCheckRecord } from "@/lib/spam/akismet";
import { decideRecheck } from "@/lib/spam/verdict";
import { getSettings } from "@/lib/settings";
import type { Moderator } from "./moderate";

export type CheckSummary = { checked: number; spam: number; approved: number; stillPending: number; failed: number; skipped: number };

const emptySummary = (): CheckSummary => ({ checked: 0, spam: 0, approved: 0, stillPending: 0, failed: 0, skipped: 0 });

/**
 * "Check for spam" on pending comments: asks Akismet again with the
 * parameters first sent and `recheck_reason=recheck_queue`. Spam moves to
 * Spam; a comment Akismet had not checked yet is decided as on arrival;
 * others stay pending (a person or a hold rule put them there). Each comment
 * is claimed (a lease) before its call, so the retry job or another
 * moderator never checks it at the same time; no transaction is open during
 * the calls; a comment moved meanwhile is left alone.
 */
export async function checkPendingForSpam(db: Db, actor: Moderator, ids: number[], now = new Date()): Promise<CheckSummary> {
  const summary = emptySummary();
  if (!akismetConfigured()) {
    summary.skipped = ids.length;
    return summary;
  }
  const owner = leaseOwner("check");
  for (const id of ids) await checkOne(db, actor, id, owner, summary, now);
  return summary;
}

async function checkOne(db: Db, actor: Moderator, id: number, owner: string, summary: CheckSummary, now: Date): Promise<void> {
  const { akismetTimeoutMs } = await getSettings();
  if (!(await claimCommentForCheck(db, id, owner, new Date(), akismetTimeoutMs))) {
    summary.skipped++;
    return;
  }
  const [row] = await db
    .select({ status: comments.status, spamCheck: comments.spamCheck, state: comments.spamCheckState, userId: comments.userId })
    .from(comments)
    .where(eq(comments.id, id));
  const params = row?.spamCheck?.params;
  if (!row || row.status !== "pending" || !params) {
    await releaseCheckLease(db, id, owner);
    summary.skipped++;
    return;
  }
  const sent = { ...params, recheck_reason: "recheck_queue" };
  const localHolds = row.spamCheck?.localHolds ?? [];
  const result = await callAkismet("comment-check", sent, { timeoutMs: akismetTimeoutMs });
  const record = toCheckRecord(result, sent, localHolds);
  const o = result.outcome;
  const at = now;
  await transaction(db, async (tx) => {
    // Locked until the end (PostgreSQL), so the comment cannot move between this check and the writes.
    const current = await firstRow<{ status: string; owner: string | null }>(
      tx,
      sql`select status, check_lease_owner as "owner" from comments where id = ${id} ${forUpdate(tx)}`,
    );
    if (current?.status !== "pending" || current.owner !== owner) {
      summary.skipped++;
      return;
    }
    await addCommentEvent(tx, {
      commentId: id,
      type: o.kind === "error" ? "akismet_error" : "akismet_check",
      actorId: actor.id,
      message:
        o.kind === "error"
          ? `Check for spam failed: ${o.error}${o.debugHelp ? ` (${o.debugHelp})` : ""}`
          : `Re-check: ${o.kind === "spam" ? (o.blatant ? "spam (blatant)" : "spam") : "not spam"} (asked by ${actor.name})`,
      detail: { guid: o.guid, latencyMs: result.latencyMs, recheckReason: "recheck_queue" },
      at,
    });
    if (o.kind === "error") {
      await releaseCheckLease(tx, id, owner);
      summary.failed++;
      return;
    }
    summary.checked++;
    // Spam goes to spam; not spam publishes only a comment never checked before (lib/spam/verdict.ts).
    const verdict = decideRecheck({ akismet: o, checkedBefore: row.state !== "not_checked", holds: localHolds, guest: row.userId === null });
    const status = verdict?.status ?? "pending";
    const reason = verdict?.reason ?? null;
    await tx
      .update(comments)
      .set({
        spamCheck: record,
        spamCheckState: "checked",
        nextSpamCheckAt: null,
        checkLeaseOwner: null,
        checkLeaseUntil: null,
        blatant: o.kind === "spam" && o.blatant,
        ...(reason ? { status, statusReason: reason } : {}),
        updatedAt: at,
      })
      .where(and(eq(comments.id, id), eq(comments.status, "pending"), eq(comments.checkLeaseOwner, owner)));
    if (status !== "pending") {
      await addCommentEvent(tx, { commentId: id, type: "status_change", fromStatus: "pending", toStatus: status, message: reason ?? "", at });
    }
    if (status === "approved") await afterApproval(tx, id, at);
    if (status === "spam") summary.spam++;
    else if (status === "approved") summary.approved++;
    else summary.stillPending++;
  });
}

/** The job name of a queue-wide Check for spam in `job_runs`. */
export const QUEUE_CHECK_JOB = "check-pending";
const QUEUE_CHECK_BATCH = 50;

export type QueueCheckProgress = CheckSummary & { total: number; done: number };

export type QueueCheckStart =
  | { started: true; runId: number; total: number; finished: Promise<QueueCheckProgress> }
  | { started: false; reason: "running"; progress: QueueCheckProgress | null }
  | { started: false; reason: "not_configured" };

/**
 * "Check for spam" above the Pending list (as WordPress has): re-checks every
 * pending comment, not only the ticked rows, in the background, in batches
 * (oldest first, by keyset), recording progress in its `job_runs` row for
 * the console to show. A second start while one runs (in any process) does
 * not start a second run. On the process's connection unless a handle is
 * given first.
 */
export async function startQueueCheck(actor: Moderator): Promise<QueueCheckStart>;
export async function startQueueCheck(db: Db, actor: Moderator): Promise<QueueCheckStart>;
export async function startQueueCheck(...args: [Moderator] | [Db, Moderator]): Promise<QueueCheckStart> {
  const [db, actor] = args.length === 1 ? [getDb(), args[0]] : args;
  if (!akismetConfigured()) return { started: false, reason: "not_configured" };
  // The comments pending now: later arrivals are checked on arrival.
  const [pending] = await db
    .select({ total: count(), maxId: sql<number>`coalesce(max(${comments.id}), 0)`.mapWith(Number) })
    .from(comments)
    .where(eq(comments.status, "pending"));
  const { total, maxId } = pending!;
  const initial: QueueCheckProgress = { ...emptySummary(), total, done: 0 };
  const claim = await claimJobRun(db, QUEUE_CHECK_JOB, { actorId: actor.id, summary: initial });
  if (!claim.ok) return { started: false, reason: "running", progress: (claim.running.summary as QueueCheckProgress | null) ?? null };
  const runId = claim.run.id;
  const finished = (async () => {
    const progress = { ...initial };
    const owner = leaseOwner("check-queue");
    const next = (after: { createdAt: number; id: number }) =>
      rows<{ id: number; createdAt: number }>(
        db,
        sql`select id, created_at as "createdAt" from comments
         where status = 'pending' and id <= ${maxId} and (created_at, id) > (${after.createdAt}, ${after.id})
         order by created_at, id limit ${QUEUE_CHECK_BATCH}`,
      );
    let cursor = { createdAt: -1, id: 0 };
    try {
      for (;;) {
        const batch = (await next(cursor)).map((r) => ({ id: r.id, createdAt: Number(r.createdAt) }));
        if (batch.length === 0) break;
        cursor = batch.at(-1)!;
        for (const { id } of batch) {
          await checkOne(db, actor, id, owner, progress, new Date());
          progress.done++;
          // After every check: a slow Akismet must not make the run look dead.
          await heartbeatJobRun(db, runId, { ...progress });
        }
        await yieldToEventLoop();
      }
      await finishJobRun(db, runId, { ...progress });
    } catch (error) {
      await finishJobRun(db, runId, { ...progress, error: error instanceof Error ? error.message : String(error) }).catch((e: unknown) =>
        console.error("[moderation] recording the end of the queue-wide Check for spam failed:", e),
      );
      console.error("[moderation] queue-wide Check for spam failed:", error);
    }
    return progress;
  })();
  return { started: true, runId, total, finished };
}
