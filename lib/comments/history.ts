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
  | "status_change";

/** Appends one entry to a comment's history (inside the caller's transaction). */
export function addCommentEvent(
  db: Pick<Db, "insert">,
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
): void {
  db.insert(commentEvents)
    .values({
      commentId: event.commentId,
      type: event.type,
      message: event.message,
      actorId: event.actorId ?? null,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      detail: event.detail ?? null,
      createdAt: event.at ?? new Date(),
    })
    .run();
}
