import "server-only";
import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { akismetOutbox, type FeedbackKind, type OutboxEntry } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { getDb, statement, type Db } from "@/lib/db";
import { LEASE_MARGIN_MS, leaseOwner } from "@/lib/jobs/runs";
import { callAkismet } from "@/lib/spam/akismet";
import { getSettings } from "@/lib/settings";

export const FEEDBACK_MAX_ATTEMPTS = 10;
const BATCH = 25;

const KIND_WORDS: Record<FeedbackKind, string> = { "submit-spam": "spam", "submit-ham": "not spam" };

/** Delay after failed attempt number `attempts`: 1, 2, 4 ... minutes, at most an hour. */
export function feedbackRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Queues a correction for Akismet, inside the caller's transaction. When an
 * opposite report for the same comment is still unsent (the moderator undid
 * their move), that report is cancelled instead: Akismet hears once per
 * correction that stands.
 */
export function enqueueFeedback(
  db: Db,
  input: { commentId: number; kind: FeedbackKind; params: Record<string, string>; actorId: number | null; now: Date },
): "queued" | "cancelled" {
  const opposite: FeedbackKind = input.kind === "submit-spam" ? "submit-ham" : "submit-spam";
  // Only a report no runner has claimed can be cancelled: one being sent may
  // already have reached Akismet, so the opposite report then goes out too.
  const unsent = db
    .select({ id: akismetOutbox.id })
    .from(akismetOutbox)
    .where(
      and(
        eq(akismetOutbox.commentId, input.commentId),
        eq(akismetOutbox.kind, opposite),
        eq(akismetOutbox.state, "pending"),
        or(isNull(akismetOutbox.leaseUntil), lt(akismetOutbox.leaseUntil, input.now)),
      ),
    )
    .get();
  if (unsent) {
    db.delete(akismetOutbox).where(eq(akismetOutbox.id, unsent.id)).run();
    addCommentEvent(db, {
      commentId: input.commentId,
      type: "akismet_feedback",
      actorId: input.actorId,
      message: `Cancelled the unsent ${opposite} report (the move was undone)`,
      at: input.now,
    });
    return "cancelled";
  }
  db.insert(akismetOutbox)
    .values({ commentId: input.commentId, kind: input.kind, params: input.params, actorId: input.actorId, nextAttemptAt: input.now, createdAt: input.now })
    .run();
  addCommentEvent(db, {
    commentId: input.commentId,
    type: "akismet_feedback",
    actorId: input.actorId,
    message: `Queued a report to Akismet: ${KIND_WORDS[input.kind]} (${input.kind})`,
    at: input.now,
  });
  return "queued";
}

export type OutboxRunSummary = { sent: number; failed: number; gaveUp: number };

/**
 * Claims up to `limit` due reports for `owner`, oldest first, skipping those
 * another runner holds: one write statement, so two runners (the scheduler,
 * a kick after a moderator's action, another instance) never send one report twice.
 */
function claimDueReports(db: Db, owner: string, now: Date, leaseMs: number, limit: number): OutboxEntry[] {
  const ids = (
    statement(
      db,
      `update akismet_outbox set lease_owner = @owner, lease_until = @until
       where id in (
         select id from akismet_outbox indexed by akismet_outbox_due_idx
         where state = 'pending' and next_attempt_at <= @now
           and (lease_until is null or lease_until < @now)
         order by next_attempt_at, id
         limit @limit
       )
       returning id`,
    ).all({ owner, until: now.getTime() + leaseMs, now: now.getTime(), limit }) as { id: number }[]
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  return db
    .select()
    .from(akismetOutbox)
    .where(inArray(akismetOutbox.id, ids))
    .orderBy(asc(akismetOutbox.nextAttemptAt), asc(akismetOutbox.id))
    .all();
}

/**
 * Sends the reports that are due, oldest first, each claimed before its
 * call; never throws for Akismet's failures (they are retried with backoff
 * and recorded in the history). A report's result is stored only by the
 * runner holding its lease and only while it is still pending.
 */
export async function processOutbox({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<OutboxRunSummary> {
  const summary: OutboxRunSummary = { sent: 0, failed: 0, gaveUp: 0 };
  const timeoutMs = getSettings().akismetTimeoutMs;
  const owner = leaseOwner("outbox");
  const leaseMs = timeoutMs + LEASE_MARGIN_MS;
  const due = db.$client.transaction(() => claimDueReports(db, owner, now, leaseMs, BATCH)).immediate();
  const renew = statement(
    db,
    "update akismet_outbox set lease_until = @until where id = @id and lease_owner = @owner and state = 'pending'",
  );
  for (const entry of due) {
    // Still ours right before the call: an earlier call in this batch may have outlived the lease.
    if (renew.run({ id: entry.id, owner, until: Date.now() + leaseMs }).changes === 0) continue;
    const result = await callAkismet(entry.kind, entry.params, { timeoutMs });
    const at = new Date();
    db.transaction(() => {
      const ours = and(eq(akismetOutbox.id, entry.id), eq(akismetOutbox.state, "pending"), eq(akismetOutbox.leaseOwner, owner));
      if (result.outcome.kind !== "error") {
        const updated = db
          .update(akismetOutbox)
          .set({ state: "sent", sentAt: at, attempts: entry.attempts + 1, lastError: null, leaseOwner: null, leaseUntil: null })
          .where(ours)
          .run();
        if (updated.changes === 0) return;
        if (entry.commentId !== null) {
          addCommentEvent(db, {
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
      const updated = db
        .update(akismetOutbox)
        .set({ state: gaveUp ? "failed" : "pending", attempts, lastError: result.outcome.error, nextAttemptAt, leaseOwner: null, leaseUntil: null })
        .where(ours)
        .run();
      if (updated.changes === 0) return;
      if (entry.commentId !== null) {
        addCommentEvent(db, {
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
