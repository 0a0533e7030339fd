import "server-only";
import { and, eq } from "drizzle-orm";
import { commentRespects } from "@/db/schema";
import { getDb, row, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";

/**
 * Respect: a signed-in reader's mark on a published comment, once per reader
 * and comment (the table's primary key), withdrawn by pressing it again.
 * The count on the comment (`comments.respect_count`) is kept by the table's
 * triggers in the same transaction, so it is exact however many presses
 * arrive at once (migration 0018 / pg 0010). Changing it expires the cached
 * pages lazily (lib/cache/invalidation.ts), never on every press.
 */

export type RespectIntent = "respect" | "withdraw";

export type RespectResult =
  | { ok: true; commentId: number; articleId: number; respected: boolean; count: number }
  | { ok: false; code: "not_found" | "own"; message: string };

const NOT_FOUND = "This comment is not published, so it cannot be respected.";
const OWN = "You cannot respect your own comment.";

/**
 * Sets the reader's respect for a comment to what they asked (respect or
 * withdraw): asking twice for the same is not an error, so a double click or
 * a retried form changes nothing more. Only approved comments of published
 * articles; never the reader's own comment. A withdrawal is allowed on a
 * comment that is no longer published (the row is the reader's own).
 */
export async function setRespect(
  { commentId, userId, intent, ownIds = [] }: { commentId: number; userId: number; intent: RespectIntent; ownIds?: readonly number[] },
  db: Db = getDb(),
): Promise<RespectResult> {
  const target = await row<{ articleId: number; userId: number | null; published: number }>(
    db,
    sql`select c.article_id as "articleId", c.user_id as "userId",
          case when c.status = 'approved' and a.status = 'published' then 1 else 0 end as published
        from comments c join articles a on a.id = c.article_id
        where c.id = ${commentId}`,
  );
  if (!target || (intent === "respect" && Number(target.published) !== 1)) return { ok: false, code: "not_found", message: NOT_FOUND };
  // Their own: posted from this account, or from this browser before signing in (the signed own-comments cookie).
  if ((target.userId !== null && Number(target.userId) === userId) || ownIds.includes(commentId)) return { ok: false, code: "own", message: OWN };
  if (intent === "respect") {
    await db.insert(commentRespects).values({ commentId, userId }).onConflictDoNothing();
  } else {
    await db.delete(commentRespects).where(and(eq(commentRespects.commentId, commentId), eq(commentRespects.userId, userId)));
  }
  const after = await row<{ count: number; mine: number }>(
    db,
    sql`select c.respect_count as count,
          (select count(*) from comment_respects r where r.comment_id = c.id and r.user_id = ${userId}) as mine
        from comments c where c.id = ${commentId}`,
  );
  return { ok: true, commentId, articleId: Number(target.articleId), respected: Number(after?.mine ?? 0) > 0, count: Number(after?.count ?? 0) };
}

/** Which of these comments the reader respects. */
export async function respectedAmong(userId: number, commentIds: readonly number[], db: Db = getDb()): Promise<Set<number>> {
  const ids = commentIds.filter((id) => Number.isSafeInteger(id) && id > 0);
  if (ids.length === 0) return new Set();
  const found = await rows<{ id: number }>(
    db,
    sql`select comment_id as id from comment_respects where user_id = ${userId} and ${inIds(db, sql`comment_id`, ids)}`,
  );
  return new Set(found.map((r) => Number(r.id)));
}

/** Which comments of an article the reader respects (the personal request; one index range). */
export async function respectedInArticle(userId: number, articleId: number, db: Db = getDb()): Promise<number[]> {
  const found = await rows<{ id: number }>(
    db,
    // CROSS JOIN: SQLite keeps this order (the reader's respects, then each one's comment);
    // left to choose, it walks every comment of a busy article instead. PostgreSQL plans it freely.
    sql`select r.comment_id as id from comment_respects r cross join comments c
        where c.id = r.comment_id and r.user_id = ${userId} and c.article_id = ${articleId}
        order by r.comment_id`,
  );
  return found.map((r) => Number(r.id));
}
