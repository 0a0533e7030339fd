import "server-only";
import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import { comments } from "@/db/schema";
import { applyCheckResult } from "@/lib/comments/submit";
import { addCommentEvent } from "@/lib/comments/history";
import { getDb } from "@/lib/db";
import { getSettings } from "@/lib/settings";
import { akismetConfigured, callAkismet, toCheckRecord } from "./akismet";
import { retriesPaused } from "./status";
import { decideStatus } from "./verdict";

export type RecheckSummary = {
  skipped: "not_configured" | "paused" | null;
  checked: number;
  approved: number;
  spam: number;
  held: number;
  failed: number;
  gaveUp: number;
};

const BATCH = 100;

/**
 * Re-checks comments Akismet could not check (WordPress's 20-minute job):
 * up to 100 due ones, oldest due first, with `recheck_reason=retry`. A
 * verdict moves the comment; a failure schedules the next try with backoff;
 * comments older than the retry window stay held and are no longer retried.
 * A bad key pauses all retries. Changes made here are not reported back to
 * Akismet. `ignoreSchedule` re-checks every not-checked comment now.
 */
export async function recheckComments({
  now = new Date(),
  ignoreSchedule = false,
}: { now?: Date; ignoreSchedule?: boolean } = {}): Promise<RecheckSummary> {
  const summary: RecheckSummary = { skipped: null, checked: 0, approved: 0, spam: 0, held: 0, failed: 0, gaveUp: 0 };
  if (!akismetConfigured()) return { ...summary, skipped: "not_configured" };
  if (!ignoreSchedule && retriesPaused(now)) return { ...summary, skipped: "paused" };

  const db = getDb();
  const settings = getSettings();
  const due = db
    .select()
    .from(comments)
    .where(
      and(
        eq(comments.spamCheckState, "not_checked"),
        eq(comments.status, "pending"),
        isNotNull(comments.nextSpamCheckAt),
        ignoreSchedule ? undefined : lte(comments.nextSpamCheckAt, now),
      ),
    )
    .orderBy(asc(comments.nextSpamCheckAt))
    .limit(BATCH)
    .all();

  const oldest = now.getTime() - settings.akismetRetryMaxDays * 86_400_000;
  for (const comment of due) {
    if (comment.createdAt.getTime() < oldest) {
      db.transaction((tx) => {
        tx.update(comments)
          .set({
            nextSpamCheckAt: null,
            statusReason: `Not checked: Akismet could not check it within ${settings.akismetRetryMaxDays} days`,
            updatedAt: now,
          })
          .where(eq(comments.id, comment.id))
          .run();
        addCommentEvent(db, {
          commentId: comment.id,
          type: "akismet_gave_up",
          message: `Stopped re-checking after ${settings.akismetRetryMaxDays} days; it waits for a moderator`,
          at: now,
        });
      });
      summary.gaveUp++;
      continue;
    }

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
    const applied = applyCheckResult(db, comment.id, decision, toCheckRecord(result, params, localHolds), {
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
      if (result.outcome.kind === "error" && result.outcome.invalidKey) break; // paused; stop hammering
      continue;
    }
    if (decision.status === "approved") summary.approved++;
    else if (decision.status === "spam") summary.spam++;
    else summary.held++;
  }
  return summary;
}
