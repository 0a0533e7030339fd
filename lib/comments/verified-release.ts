import "server-only";
import { and, eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import { type Db } from "@/lib/db";
import { akismetConfigured } from "@/lib/spam/akismet";
import { decideStatus, EMAIL_NOT_VERIFIED } from "@/lib/spam/verdict";
import { afterApproval } from "./approval-mail";
import { addCommentEvent } from "./history";

/**
 * An account's address was verified: its comments still held "Email not
 * verified" go through the checks again; verifying publishes nothing by
 * itself. The hold is taken off the comment's local holds, and:
 * - with Akismet configured, the comment is marked for a re-check due now
 *   (the retry job's claim, so two runners never check it twice); the
 *   caller asks for those at once (lib/jobs/akismet-retry.ts, `onlyIds`);
 * - without Akismet, the verdict is decided here: published when no other
 *   rule holds it (an account's comment, as the pipeline decides).
 * A comment that was never sent to Akismet (no stored parameters) stays
 * held for a moderator, with the reason saying so.
 * In the caller's transaction. Returns the ids to check now.
 */
export async function releaseUnverifiedHolds(tx: Db, userId: number, now = new Date()): Promise<number[]> {
  // The account's held comments (few): those held by this rule, and those Akismet could not
  // check yet that carry it among their local holds (their reason is the failed check's).
  const pending = await tx
    .select({ id: comments.id, spamCheck: comments.spamCheck, statusReason: comments.statusReason, spamCheckState: comments.spamCheckState })
    .from(comments)
    .where(and(eq(comments.userId, userId), eq(comments.status, "pending")));
  const held = pending.filter(
    (c) =>
      (c.statusReason ?? "").includes(EMAIL_NOT_VERIFIED) ||
      (c.spamCheckState === "not_checked" && (c.statusReason ?? "").startsWith("Not checked") && (c.spamCheck?.localHolds ?? []).includes(EMAIL_NOT_VERIFIED)),
  );
  const toCheck: number[] = [];
  const withAkismet = akismetConfigured();
  for (const comment of held) {
    const record = comment.spamCheck;
    const holds = (record?.localHolds ?? []).filter((h) => h !== EMAIL_NOT_VERIFIED);
    const stillHeld = and(eq(comments.id, comment.id), eq(comments.status, "pending"), eq(comments.statusReason, comment.statusReason ?? ""));
    if (comment.spamCheckState === "not_checked" && record) {
      // Waiting for its retry already: only the hold comes off, and the retry is due now.
      const changed = await tx
        .update(comments)
        .set({ spamCheck: { ...record, localHolds: holds }, nextSpamCheckAt: now, updatedAt: now })
        .where(and(stillHeld, eq(comments.spamCheckState, "not_checked")))
        .returning({ id: comments.id });
      if (changed.length === 0) continue;
      await addCommentEvent(tx, { commentId: comment.id, type: "email_verified", message: "Its author's address was verified: no longer held for it; re-checked with Akismet", at: now });
      toCheck.push(comment.id);
      continue;
    }
    if (withAkismet && record && Object.keys(record.params ?? {}).length > 0) {
      const changed = await tx
        .update(comments)
        .set({
          spamCheck: { ...record, localHolds: holds },
          spamCheckState: "not_checked",
          spamCheckAttempts: 0,
          nextSpamCheckAt: now,
          checkLeaseOwner: null,
          checkLeaseUntil: null,
          statusReason: "Not checked: its author's address was verified; waiting for the Akismet check",
          updatedAt: now,
        })
        .where(stillHeld)
        .returning({ id: comments.id });
      if (changed.length === 0) continue;
      await addCommentEvent(tx, { commentId: comment.id, type: "email_verified", message: "Its author's address was verified: checked with Akismet again", at: now });
      toCheck.push(comment.id);
      continue;
    }
    const decision = withAkismet
      ? { status: "pending" as const, reason: [...holds, "Held: never checked by Akismet; waits for a moderator"].join("; ") }
      : decideStatus({ trusted: false, local: { outcome: "hold", holds }, akismet: "not_configured", guest: false });
    const changed = await tx
      .update(comments)
      .set({ status: decision.status, statusReason: decision.reason, spamCheck: record ? { ...record, localHolds: holds } : record, updatedAt: now })
      .where(stillHeld)
      .returning({ id: comments.id });
    if (changed.length === 0) continue;
    await addCommentEvent(tx, {
      commentId: comment.id,
      type: "email_verified",
      message: "Its author's address was verified",
      fromStatus: "pending",
      toStatus: decision.status,
      at: now,
    });
    if (decision.status === "approved") {
      await addCommentEvent(tx, { commentId: comment.id, type: "status_change", message: decision.reason, fromStatus: "pending", toStatus: "approved", at: now });
      await afterApproval(tx, comment.id, now);
    }
  }
  return toCheck;
}
