import "server-only";
import { and, asc, eq, lte } from "drizzle-orm";
import { akismetOutbox, type FeedbackKind } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import { getDb, type Db } from "@/lib/db";
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
  const unsent = db
    .select({ id: akismetOutbox.id })
    .from(akismetOutbox)
    .where(and(eq(akismetOutbox.commentId, input.commentId), eq(akismetOutbox.kind, opposite), eq(akismetOutbox.state, "pending")))
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
 * Sends the reports that are due, oldest first; never throws for Akismet's
 * failures (they are retried with backoff and recorded in the history).
 */
export async function processOutbox({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<OutboxRunSummary> {
  const summary: OutboxRunSummary = { sent: 0, failed: 0, gaveUp: 0 };
  const due = db
    .select()
    .from(akismetOutbox)
    .where(and(eq(akismetOutbox.state, "pending"), lte(akismetOutbox.nextAttemptAt, now)))
    .orderBy(asc(akismetOutbox.nextAttemptAt), asc(akismetOutbox.id))
    .limit(BATCH)
    .all();
  const timeoutMs = getSettings().akismetTimeoutMs;
  for (const entry of due) {
    const result = await callAkismet(entry.kind, entry.params, { timeoutMs });
    const at = new Date();
    db.transaction(() => {
      // Cancelled meanwhile (an undo)? Then there is nothing to record.
      const still = db.select({ id: akismetOutbox.id }).from(akismetOutbox).where(and(eq(akismetOutbox.id, entry.id), eq(akismetOutbox.state, "pending"))).get();
      if (!still) return;
      if (result.outcome.kind !== "error") {
        db.update(akismetOutbox).set({ state: "sent", sentAt: at, attempts: entry.attempts + 1, lastError: null }).where(eq(akismetOutbox.id, entry.id)).run();
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
      db.update(akismetOutbox)
        .set({ state: gaveUp ? "failed" : "pending", attempts, lastError: result.outcome.error, nextAttemptAt })
        .where(eq(akismetOutbox.id, entry.id))
        .run();
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
