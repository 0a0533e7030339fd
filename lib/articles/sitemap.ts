import "server-only";
import { desc, eq } from "drizzle-orm";
import { articles } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";

/** A sitemap file holds at most 50,000 URLs (sitemaps.org); one is the front page. */
export const SITEMAP_ARTICLE_LIMIT = 49_999;
/** How long a built list is served before the database is read again. */
export const SITEMAP_TTL_MS = 5 * 60_000;

export type SitemapEntry = { slug: string; updatedAt: Date };

/**
 * Published articles for the sitemap, newest first: the slug and last change
 * only. The status filter and order walk articles_status_published_idx
 * (no sort, no comment counts).
 */
export function sitemapQuery(db: Db) {
  return db
    .select({ slug: articles.slug, updatedAt: articles.updatedAt })
    .from(articles)
    .where(eq(articles.status, "published"))
    .orderBy(desc(articles.publishedAt), desc(articles.id))
    .limit(SITEMAP_ARTICLE_LIMIT);
}

export async function listSitemapEntries(): Promise<SitemapEntry[]> {
  return sitemapQuery(getDb());
}

let cached: { at: number; entries: Promise<SitemapEntry[]> } | undefined;

/**
 * The sitemap's entries, read at most once per SITEMAP_TTL_MS per process:
 * crawlers and bots asking for /sitemap.xml repeatedly cost one query (those
 * arriving while it runs share it; a failed read is not kept).
 */
export function cachedSitemapEntries(now = Date.now()): Promise<SitemapEntry[]> {
  if (!cached || now - cached.at >= SITEMAP_TTL_MS || now < cached.at) {
    const entry = { at: now, entries: listSitemapEntries() };
    entry.entries.catch(() => {
      if (cached === entry) cached = undefined;
    });
    cached = entry;
  }
  return cached.entries;
}
