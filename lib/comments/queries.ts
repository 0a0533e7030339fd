import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import { getDb } from "@/lib/db";

export type PublicComment = {
  id: number;
  parentId: number | null;
  authorName: string;
  authorUrl: string;
  content: string;
  createdAt: Date;
};

/** An article's approved comments, oldest first (what every reader may see). */
export function listApprovedComments(articleId: number, { limit = 50 } = {}): PublicComment[] {
  return getDb()
    .select({
      id: comments.id,
      parentId: comments.parentId,
      authorName: comments.authorName,
      authorUrl: comments.authorUrl,
      content: comments.content,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .where(and(eq(comments.articleId, articleId), eq(comments.status, "approved")))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(limit)
    .all();
}
