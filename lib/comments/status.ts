/**
 * The statuses a comment can have (the `comments.status` column), for the
 * pages and actions that name them: pending, approved, spam, trash.
 */
export { COMMENT_STATUSES, type CommentStatus } from "@/db/model";
