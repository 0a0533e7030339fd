import "server-only";
import { getDb, rows, sql, type Db } from "@/lib/db";
import { indexedBy } from "@/lib/db/dialect";
import { excerpt } from "@/lib/text/excerpt";

/** At most this many featured comments are listed above an article's thread. */
export const FEATURED_LIMIT = 20;

export type FeaturedComment = { id: number; authorName: string; excerpt: string; iso: string };

/** Characters of a featured comment shown in the Featured comments list. */
const EXCERPT = 240;

/**
 * An article's published featured comments, most recently featured first
 * (the Featured comments section; one partial index range).
 */
export async function featuredComments(articleId: number, db: Db = getDb()): Promise<FeaturedComment[]> {
  const found = await rows<{ id: number; authorName: string; content: string; createdAt: number | string }>(
    db,
    sql`select id, author_name as "authorName", content, created_at as "createdAt"
        from comments ${indexedBy(db, "comments_article_featured_idx")}
        where article_id = ${articleId} and featured_at is not null and status = 'approved'
        order by featured_at desc, id desc
        limit ${FEATURED_LIMIT}`,
  );
  return found.map((r) => ({
    id: Number(r.id),
    authorName: r.authorName,
    excerpt: excerpt(r.content, EXCERPT),
    iso: new Date(Number(r.createdAt)).toISOString(),
  }));
}
