import "server-only";
import { commentEvents, type CommentStatus } from "@/db/schema";
import type { Db } from "@/lib/db";

export type CommentEventType =
  | "submitted"
  | "defence"
  | "akismet_check"
  | "akismet_error"
  | "akismet_retry"
  | "akismet_gave_up"
  | "status_change"
  | "moderation"
  | "akismet_feedback"
  /** The comment it replied to was deleted; it moved up a level (decision 010). */
  | "moved_up"
  /** Its author edited the text (lib/comments/own.ts); the detail keeps the text before. */
  | "edited"
  /** A reply notification or a confirmation request about this comment was queued for mail (lib/comments/approval-mail.ts). */
  | "notification"
  /** Brought in from a WordPress or Disqus export (lib/porting/import-comments.ts). */
  | "imported"
  /** A reader reported it (lib/community/reports.ts); the detail keeps the reason. */
  | "report"
  /** A moderator's decision reviewed its open reports. */
  | "reports_closed"
  /** Featured or no longer featured by a moderator. */
  | "featured"
  | "unfeatured"
  /** Its author's address was verified: held "Email not verified", it goes through the checks again (lib/comments/verified-release.ts). */
  | "email_verified";

/**
 * Appends one entry to a comment's history. Call it inside the caller's
 * `transaction(db, async (tx) => …)` with its `tx`, so the entry commits or
 * rolls back with the change it records.
 */
export async function addCommentEvent(
  db: Db,
  event: {
    commentId: number;
    type: CommentEventType;
    message: string;
    actorId?: number | null;
    fromStatus?: CommentStatus | null;
    toStatus?: CommentStatus | null;
    detail?: Record<string, unknown> | null;
    at?: Date;
  },
): Promise<void> {
  await db.insert(commentEvents).values({
    commentId: event.commentId,
    type: event.type,
    message: event.message,
    actorId: event.actorId ?? null,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    detail: event.detail ?? null,
    createdAt: event.at ?? new Date(),
  });
}
