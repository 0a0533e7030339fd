import "server-only";
import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { akismetOutbox, type FeedbackKind } from "@/db/schema";
import { addCommentEvent } from "@/lib/comments/history";
import type { Db } from "@/lib/db";

/** How a report is named in the comment's history. */
export const KIND_WORDS: Record<FeedbackKind, string> = { "submit-spam": "spam", "submit-ham": "not spam" };

/**
 * Queues a correction for Akismet, inside the caller's transaction. When an
 * opposite report for the same comment is still unsent (the moderator undid
 * their move), that report is cancelled instead: Akismet hears once per
 * correction that stands.
 */
export async function enqueueFeedback(
  db: Db,
  input: { commentId: number; kind: FeedbackKind; params: Record<string, string>; actorId: number | null; now: Date },
): Promise<"queued" | "cancelled"> {
  const opposite: FeedbackKind = input.kind === "submit-spam" ? "submit-ham" : "submit-spam";
  // Only a report no runner has claimed can be cancelled: one being sent may
  // already have reached Akismet, so the opposite report then goes out too.
  // One statement: on PostgreSQL a claim committed meanwhile is seen by the
  // conditions, checked again on the row being deleted.
  const unsent = and(
    eq(akismetOutbox.commentId, input.commentId),
    eq(akismetOutbox.kind, opposite),
    eq(akismetOutbox.state, "pending"),
    or(isNull(akismetOutbox.leaseUntil), lt(akismetOutbox.leaseUntil, input.now)),
  );
  const cancelled = await db
    .delete(akismetOutbox)
    .where(and(inArray(akismetOutbox.id, db.select({ id: akismetOutbox.id }).from(akismetOutbox).where(unsent).orderBy(asc(akismetOutbox.id)).limit(1)), unsent))
    .returning({ id: akismetOutbox.id });
  if (cancelled.length > 0) {
    await addCommentEvent(db, {
      commentId: input.commentId,
      type: "akismet_feedback",
      actorId: input.actorId,
      message: `Cancelled the unsent ${opposite} report (the move was undone)`,
      at: input.now,
    });
    return "cancelled";
  }
  await db
    .insert(akismetOutbox)
    .values({ commentId: input.commentId, kind: input.kind, params: input.params, actorId: input.actorId, nextAttemptAt: input.now, createdAt: input.now });
  await addCommentEvent(db, {
    commentId: input.commentId,
    type: "akismet_feedback",
    actorId: input.actorId,
    message: `Queued a report to Akismet: ${KIND_WORDS[input.kind]} (${input.kind})`,
    at: input.now,
  });
  return "queued";
}
