import "server-only";
import { and, eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import type { Db } from "@/lib/db";
import { akismetConfigured, callAkismet, toCheckRecord } from "@/lib/spam/akismet";
import { decideStatus } from "@/lib/spam/verdict";
import { getSettings } from "@/lib/settings";
import type { Moderator } from "./moderate";

export type CheckSummary = { checked: number; spam: number; approved: number; stillPending: number; failed: number; skipped: number };

/**
 * "Check for spam" on pending comments: asks Akismet again with the
 * parameters first sent and `recheck_reason=recheck_queue`. Spam moves to
 * Spam; a comment Akismet had not checked yet is decided as on arrival;
 * others stay pending (a person or a hold rule put them there). No
 * transaction is open during the calls; a comment moved meanwhile is left alone.
 */
export async function checkPendingForSpam(db: Db, actor: Moderator, ids: number[], now = new Date()): Promise<CheckSummary> {
  const summary: CheckSummary = { checked: 0, spam: 0, approved: 0, stillPending: 0, failed: 0, skipped: 0 };
  if (!akismetConfigured()) {
    summary.skipped = ids.length;
    return summary;
  }
  const { akismetTimeoutMs } = getSettings();
  for (const id of ids) {
    const row = db
      .select({ status: comments.status, spamCheck: comments.spamCheck, state: comments.spamCheckState, userId: comments.userId })
      .from(comments)
      .where(eq(comments.id, id))
      .get();
    const params = row?.spamCheck?.params;
    if (!row || row.status !== "pending" || !params) {
      summary.skipped++;
      continue;
    }
    const sent = { ...params, recheck_reason: "recheck_queue" };
    const localHolds = row.spamCheck?.localHolds ?? [];
    const result = await callAkismet("comment-check", sent, { timeoutMs: akismetTimeoutMs });
    const record = toCheckRecord(result, sent, localHolds);
    const o = result.outcome;
    db.transaction(() => {
      const current = db.select({ status: comments.status }).from(comments).where(eq(comments.id, id)).get();
      if (current?.status !== "pending") {
        summary.skipped++;
        return;
      }
      addCommentEvent(db, {
        commentId: id,
        type: o.kind === "error" ? "akismet_error" : "akismet_check",
        actorId: actor.id,
        message:
          o.kind === "error"
            ? `Check for spam failed: ${o.error}${o.debugHelp ? ` (${o.debugHelp})` : ""}`
            : `Re-check: ${o.kind === "spam" ? (o.blatant ? "spam (blatant)" : "spam") : "not spam"} (asked by ${actor.name})`,
        detail: { guid: o.guid, latencyMs: result.latencyMs, recheckReason: "recheck_queue" },
        at: now,
      });
      if (o.kind === "error") {
        summary.failed++;
        return;
      }
      summary.checked++;
      let status: "spam" | "approved" | "pending" = "pending";
      let reason: string | null = null;
      if (o.kind === "spam") {
        status = "spam";
        reason = o.blatant ? "Akismet: spam (blatant, re-checked)" : "Akismet: spam (re-checked)";
      } else if (row.state === "not_checked") {
        const decision = decideStatus({ trusted: false, local: { outcome: "hold", holds: localHolds }, akismet: o, guest: row.userId === null });
        status = decision.status === "approved" ? "approved" : "pending";
        reason = decision.reason;
      }
      db.update(comments)
        .set({
          spamCheck: record,
          spamCheckState: "checked",
          nextSpamCheckAt: null,
          blatant: o.kind === "spam" && o.blatant,
          ...(reason ? { status, statusReason: reason } : {}),
          updatedAt: now,
        })
        .where(and(eq(comments.id, id), eq(comments.status, "pending")))
        .run();
      if (status !== "pending") {
        addCommentEvent(db, { commentId: id, type: "status_change", fromStatus: "pending", toStatus: status, message: reason ?? "", at: now });
      }
      if (status === "spam") summary.spam++;
      else if (status === "approved") summary.approved++;
      else summary.stillPending++;
    });
  }
  return summary;
}
