import "server-only";
import { getDb, row, sql, type Db } from "@/lib/db";
import { getSettings } from "@/lib/settings";
import { absoluteUrl, articlePath } from "@/lib/site";
import { pageOfComment } from "./thread";

/**
 * A comment's lasting address, `/comments/<id>`, for mail and feeds: the
 * page it is on changes as the thread grows, so the link asks the site
 * (app/comments/[id]/route.ts redirects to the right page and anchor).
 */
export function commentPermalink(commentId: number): string {
  return absoluteUrl(`/comments/${commentId}`);
}

/**
 * Where a comment is shown now: its article's page and anchor, for an
 * approved comment on a published article; null otherwise.
 */
export async function commentLocation(commentId: number, db: Db = getDb()): Promise<string | null> {
  const found = await row<{ articleId: number; slug: string; status: string; articleStatus: string }>(
    db,
    sql`select c.article_id as "articleId", a.slug, c.status, a.status as "articleStatus"
        from comments c join articles a on a.id = c.article_id where c.id = ${commentId}`,
  );
  // A comment not shown (held, spam, trash) is not found: its address tells nobody which article it is on.
  if (!found || found.articleStatus !== "published" || found.status !== "approved") return null;
  const page = await pageOfComment(db, found.articleId, commentId, (await getSettings()).commentsPerPage);
  return `${articlePath(found.slug)}${page > 1 ? `?cpage=${page}` : ""}#comment-${commentId}`;
}
