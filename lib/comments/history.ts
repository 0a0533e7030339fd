import "server-only";
import { sql } from "drizzle-orm";
import { commentEvents, type CommentStatus } from "@/db/schema";
import { prepared, type Db } from "@/lib/db";

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
  | "moved_up";

const placeholders = {
  commentId: sql.placeholder("commentId"),
  type: sql.placeholder("type"),
  message: sql.placeholder("message"),
  actorId: sql.placeholder("actorId"),
  fromStatus: sql.placeholder("fromStatus"),
  toStatus: sql.placeholder("toStatus"),
  // Raw, so a null stays SQL NULL: drizzle encodes a placeholder's value with
  // the column's mapper, which would turn null into the JSON text "null".
  detail: sql`${sql.placeholder("detail")}`,
  createdAt: sql.placeholder("createdAt"),
};

/**
 * Appends one entry to a comment's history. Call it inside the caller's
 * `db.transaction(...)` with the same connection: better-sqlite3 runs a
 * transaction on the connection, so the entry commits or rolls back with it.
 */
export function addCommentEvent(
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
): void {
  prepared(db, "commentEvents.insert", (d) => d.insert(commentEvents).values(placeholders).prepare()).run({
    commentId: event.commentId,
    type: event.type,
    message: event.message,
    actorId: event.actorId ?? null,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
    createdAt: event.at ?? new Date(),
  });
}
