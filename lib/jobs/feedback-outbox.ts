import "server-only";
/**
 * The Akismet feedback outbox's job: sends the moderators' corrections
 * (queued by lib/moderation/feedback.ts in their transaction) to Akismet in
 * the background, each report claimed before its call, with retries and
 * backoff, the result recorded in the comment's history.
 */
import { and, eq, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import { akismetOutbox, type OutboxEntry } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { getDb, sql, transaction, type Db } from "@/lib/db";
import { indexedBy, skipLocked } from "@/lib/db/dialect";
import { LEASE_MARGIN_MS, leaseOwner } from "@/lib/db/leases";
import { KIND_WORDS } from "@/lib/moderation/feedback";
import { callAkismet } from "@/lib/spam/akismet";
import { getSettings } from "@/lib/settings";

export const FEEDBACK_MAX_ATTEMPTS = 10;
const BATCH = 25;

/** Delay after failed attempt number `attempts`: 1, 2, 4 ... minutes, at most an hour. */
export function feedbackRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export type OutboxRunSummary = { sent: number; failed: number; gaveUp: number };

/**
 * Claims up to `limit` due reports for `owner`, oldest first, skipping those
 * another runner holds: one write statement, so two runners (the scheduler,
 * a kick after a moderator's action, another instance) never send one report
 * twice. On PostgreSQL the inner select locks the rows it picks and skips
 * those a concurrent claim has locked; the outer conditions are checked
 * again on each row updated.
 */
async function claimDueReports(db: Db, owner: string, now: Date, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
  const at = now.getTime();
  const claimable = and(
    eq(akismetOutbox.state, "pending"),
    lte(akismetOutbox.nextAttemptAt, now),
    or(isNull(akismetOutbox.leaseUntil), lt(akismetOutbox.leaseUntil, now)),
  );
  const claimed = await db
    .update(akismetOutbox)
    .set({ leaseOwner: owner, leaseUntil: new Date(at + leaseMs) })
    .where(
      and(
        sql`${akismetOutbox.id} in (${outboxDueQuery(db, now, limit)})`,
        claimable,
      ),
    )
    .returning();
  return claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

/**
 * The reports due at `now`, oldest first, through the partial index on
 * pending reports (exported for the query-plan tests): the inner select of
 * the claim.
 */
export function outboxDueQuery(db: Db, now: Date, limit: number): SQL {
  const at = now.getTime();
  return sql`select id from akismet_outbox ${indexedBy(db, "akismet_outbox_due_idx")}
    where state = 'pending' and next_attempt_at <= ${at}
      and (lease_until is null or lease_until < ${at})
    order by next_attempt_at, id
    limit ${limit}
    ${skipLocked(db)}`;
}

/**
 * Sends the reports that are due, oldest first, each claimed before its
 * call; never throws for Akismet's failures (they are retried with backoff
 * and recorded in the history). A report's result is stored only by the
 * runner holding its lease and only while it is still pending.
 */
export async function processOutbox({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<OutboxRunSummary> {
  const summary: OutboxRunSummary = { sent: 0, failed: 0, gaveUp: 0 };
  const timeoutMs = (await getSettings()).akismetTimeoutMs;
  const owner = leaseOwner("outbox");
  const leaseMs = timeoutMs + LEASE_MARGIN_MS;
  const due = await claimDueReports(db, owner, now, leaseMs, BATCH);
  for (const entry of due) {
    // Still ours right before the call: an earlier call in this batch may have outlived the lease.
    const renewed = await db
      .update(akismetOutbox)
      .set({ leaseUntil: new Date(Date.now() + leaseMs) })
      .where(and(eq(akismetOutbox.id, entry.id), eq(akismetOutbox.leaseOwner, owner), eq(akismetOutbox.state, "pending")))
      .returning({ id: akismetOutbox.id });
    if (renewed.length === 0) continue;
    const result = await callAkismet(entry.kind, entry.params, { timeoutMs });
    const at = new Date();
    await transaction(db, async (tx) => {
      const ours = and(eq(akismetOutbox.id, entry.id), eq(akismetOutbox.state, "pending"), eq(akismetOutbox.leaseOwner, owner));
      if (result.outcome.kind !== "error") {
        const updated = await tx
          .update(akismetOutbox)
          .set({ state: "sent", sentAt: at, attempts: entry.attempts + 1, lastError: null, leaseOwner: null, leaseUntil: null })
          .where(ours)
          .returning({ id: akismetOutbox.id });
        if (updated.length === 0) return;
        if (entry.commentId !== null) {
          await addCommentEvent(tx, {
            commentId: entry.commentId,
            type: "akismet_feedback",
            actorId: entry.actorId,
            message: `Reported to Akismet: ${KIND_WORDS[entry.kind]} (${entry.kind})`,
            detail: { outboxId: entry.id, attempt: entry.attempts + 1, latencyMs: result.latencyMs },
            at,
          });
        }
        summary.sent++;
        return;
      }
      const attempts = entry.attempts + 1;
      const gaveUp = attempts >= FEEDBACK_MAX_ATTEMPTS;
      const nextAttemptAt = new Date(now.getTime() + feedbackRetryDelayMs(attempts));
      const updated = await tx
        .update(akismetOutbox)
        .set({ state: gaveUp ? "failed" : "pending", attempts, lastError: result.outcome.error, nextAttemptAt, leaseOwner: null, leaseUntil: null })
        .where(ours)
        .returning({ id: akismetOutbox.id });
      if (updated.length === 0) return;
      if (entry.commentId !== null) {
        await addCommentEvent(tx, {
          commentId: entry.commentId,
          type: "akismet_feedback",
          actorId: entry.actorId,
          message: gaveUp
            ? `Gave up reporting to Akismet (${entry.kind}) after ${attempts} attempts: ${result.outcome.error}`
            : `Report to Akismet (${entry.kind}) failed: ${result.outcome.error}; retry ${attempts + 1} at ${nextAttemptAt.toISOString().slice(11, 16)} UTC`,
          detail: { outboxId: entry.id, attempt: attempts },
          at,
        });
      }
      if (gaveUp) summary.gaveUp++;
      else summary.failed++;
    });
  }
  return summary;
}

const state = globalThis as typeof globalThis & { __newsroomOutboxKick?: NodeJS.Timeout };

/** Sends queued reports soon, in the background (never in the moderator's request). */
export function kickOutbox(): void {
  if (state.__newsroomOutboxKick) return;
  state.__newsroomOutboxKick = setTimeout(() => {
    state.__newsroomOutboxKick = undefined;
    processOutbox().catch((error) => console.error("[akismet] feedback outbox failed:", error));
  }, 50);
  state.__newsroomOutboxKick.unref();
}
