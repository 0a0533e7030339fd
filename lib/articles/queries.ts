import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { articles, comments, type Article } from "@/db/schema";
import { getDb, row } from "@/lib/db";
import { getReviewForEditor, type ReviewForEditor } from "./reviews";

export type ArticleListItem = Pick<
  Article,
  "id" | "slug" | "title" | "summary" | "publishedAt" | "source"
> & { commentCount: number };

// Written out with explicit table names: drizzle leaves columns unqualified in
// a one-table select, which would make `id` inside a subquery mean comments.id.
const approvedCount = sql<number>`(
  select count(*) from comments c
  where c.article_id = "articles"."id" and c.status = 'approved'
)`.mapWith(Number);

/** Published articles, newest first, with their approved comment counts. */
export async function listPublishedArticles({ limit = 50 }: { limit?: number } = {}): Promise<ArticleListItem[]> {
  return getDb()
    .select({
      id: articles.id,
      slug: articles.slug,
      title: articles.title,
      summary: articles.summary,
      publishedAt: articles.publishedAt,
      source: articles.source,
      commentCount: approvedCount,
    })
    .from(articles)
    .where(eq(articles.status, "published"))
    .orderBy(desc(articles.publishedAt), desc(articles.id))
    .limit(limit);
}

/** A published article by its slug, or null for unknown and unpublished slugs. */
export async function getPublishedArticle(slug: string): Promise<Article | null> {
  const [article] = await getDb()
    .select()
    .from(articles)
    .where(and(eq(articles.slug, slug), eq(articles.status, "published")));
  return article ?? null;
}

/** A published article's id by its slug, and nothing else (the personal request reads no body). */
export async function publishedArticleId(slug: string): Promise<number | null> {
  const found = await row<{ id: number }>(getDb(), sql`select id from articles where slug = ${slug} and status = 'published'`);
  return found ? Number(found.id) : null;
}

export type PublishedReview = ReviewForEditor;

/** The article's editor review, when one is published, with its reviewer's name. */
export async function getPublishedReview(articleId: number): Promise<PublishedReview | null> {
  const review = await getReviewForEditor(articleId);
  return review?.status === "published" ? review : null;
}

/** Number of approved (publicly visible) comments on an article. */
export async function countApprovedComments(articleId: number): Promise<number> {
  return getDb().$count(comments, and(eq(comments.articleId, articleId), eq(comments.status, "approved")));
}
