import "server-only";
import { and, eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import { claimDueForRecheck, releaseCheckLease, renewRecheckLease } from "@/lib/comments/check-lease";
import { applyCheckResult } from "@/lib/comments/submit";
import { addCommentEvent } from "@/lib/comments/history";
import { getDb, transaction, type Db } from "@/lib/db";
import { leaseOwner } from "@/lib/db/leases";
import { getSettings } from "@/lib/settings";
import { akismetConfigured, callAkismet, toCheckRecord } from "@/lib/spam/akismet";
import { retriesPaused } from "@/lib/spam/status";
import { decideStatus } from "@/lib/spam/verdict";

export type RecheckSummary = {
  skipped: "not_configured" | "paused" | null;
  checked: number;
  approved: number;
  spam: number;
  held: number;
  failed: number;
  gaveUp: number;
};

/** Comments one run of the retry job claims and checks. */
export const RECHECK_BATCH = 100;

/**
 * Re-checks comments Akismet could not check (WordPress's 20-minute job):
 * up to `batchSize` due ones, oldest due first, with `recheck_reason=retry`.
 * Each is claimed (a lease on the row) before its call, so runs in this
 * process, another instance or `npm run akismet:recheck` never check one
 * comment twice, and every change is made only while the comment is still
 * pending and not checked. A verdict moves the comment; a failure schedules
 * the next try with backoff; comments older than the retry window stay held
 * and are no longer retried. A bad key pauses all retries. Changes made here
 * are not reported back to Akismet. `ignoreSchedule` re-checks every
 * not-checked comment now (`npm run akismet:recheck`); `onlyIds` limits the
 * claim to those comments (a reader's held comments once their address is
 * verified, checked at once rather than on the job's next round).
 */
export async function recheckComments({
  now = new Date(),
  ignoreSchedule = false,
  batchSize = RECHECK_BATCH,
  onlyIds,
}: { now?: Date; ignoreSchedule?: boolean; batchSize?: number; onlyIds?: readonly number[] } = {}): Promise<RecheckSummary> {
  const summary: RecheckSummary = { skipped: null, checked: 0, approved: 0, spam: 0, held: 0, failed: 0, gaveUp: 0 };
  if (!akismetConfigured()) return { ...summary, skipped: "not_configured" };
  if (!ignoreSchedule && (await retriesPaused(now))) return { ...summary, skipped: "paused" };

  const db = getDb();
  const settings = await getSettings();
  const owner = leaseOwner("recheck");
  // One statement claims the batch (check-lease.ts): no transaction needed.
  const claimed = await claimDueForRecheck(db, { owner, now, timeoutMs: settings.akismetTimeoutMs, limit: batchSize, ignoreSchedule, onlyIds });

  const oldest = now.getTime() - settings.akismetRetryMaxDays * 86_400_000;
  for (let i = 0; i < claimed.length; i++) {
    const id = claimed[i]!;
    const [comment] = await db.select().from(comments).where(eq(comments.id, id));
    if (!comment || comment.status !== "pending" || comment.spamCheckState !== "not_checked" || comment.checkLeaseOwner !== owner) continue;
    if (comment.createdAt.getTime() < oldest) {
      if (await giveUp(db, comment.id, owner, settings.akismetRetryMaxDays, now)) summary.gaveUp++;
      continue;
    }

    // Still ours right before the call (an earlier call in this batch may have outlived the lease).
    if (!(await renewRecheckLease(db, comment.id, owner, new Date(), settings.akismetTimeoutMs))) continue;
    const record = comment.spamCheck;
    const params = { ...(record?.params ?? {}), recheck_reason: "retry" };
    const localHolds = record?.localHolds ?? [];
    const result = await callAkismet("comment-check", params, { timeoutMs: settings.akismetTimeoutMs });
    const decision = decideStatus({
      trusted: false,
      local: { outcome: "hold", holds: localHolds },
      akismet: result.outcome,
      guest: comment.userId === null,
    });
    const attempt = comment.spamCheckAttempts + 1;
    const applied = await applyCheckResult(db, comment.id, decision, toCheckRecord(result, params, localHolds), {
      owner,
      attempt,
      retryMinutes: settings.akismetRetryMinutes,
      retryAfterSeconds: result.outcome.kind === "error" ? result.outcome.retryAfterSeconds : null,
      now,
      recheck: true,
    });
    if (!applied) continue;
    summary.checked++;
    if (decision.spamCheckState === "not_checked") {
      summary.failed++;
      if (result.outcome.kind === "error" && result.outcome.invalidKey) {
        // Paused; stop hammering, and hand the rest of the batch back.
        for (const rest of claimed.slice(i + 1)) await releaseCheckLease(db, rest, owner);
        break;
      }
      continue;
    }
    if (decision.status === "approved") summary.approved++;
    else if (decision.status === "spam") summary.spam++;
    else summary.held++;
  }
  return summary;
}

/** Stops retrying a comment past the retry window, only while it is still pending, not checked and ours. */
async function giveUp(db: Db, id: number, owner: string, maxDays: number, now: Date): Promise<boolean> {
  return transaction(db, async (tx) => {
    const updated = await tx
      .update(comments)
      .set({
        nextSpamCheckAt: null,
        checkLeaseOwner: null,
        checkLeaseUntil: null,
        statusReason: `Not checked: Akismet could not check it within ${maxDays} days`,
        updatedAt: now,
      })
      .where(
        and(
          eq(comments.id, id),
          eq(comments.status, "pending"),
          eq(comments.spamCheckState, "not_checked"),
          eq(comments.checkLeaseOwner, owner),
        ),
      )
      .returning({ id: comments.id });
    if (updated.length === 0) return false;
    await addCommentEvent(tx, {
      commentId: id,
      type: "akismet_gave_up",
      message: `Stopped re-checking after ${maxDays} days; it waits for a moderator`,
      at: now,
    });
    return true;
  });
}
