import "server-only";
import { unstable_cache } from "next/cache";

/**
 * The page cache's tags: what a cached page depends on, and so what expires
 * it. Cached pages (app/(cached)) declare their tags with `dependsOn`; every
 * change that alters what a reader sees is turned into these same tags by
 * the database's change log (db/migrations 0011, lib/cache/invalidation.ts).
 * Keep the two in step: a tag here that nothing writes never expires.
 */
export const CACHE_TAGS = {
  /** Every cached page: a setting that shapes pages, an account renamed. */
  site: "site",
  /** The front page and the feed: the list of published articles and their comment counts. */
  front: "front",
  /** One article's page (body, review, thread, every comment page). */
  article: (id: number) => `article:${id}`,
  /** Whatever is served at /articles/<slug>: a page, a 404 or a redirect to a new slug. */
  slug: (slug: string) => `slug:${slug}`,
} as const;

/** The longest a cached page lives without a change: a safety net, not the way pages update. */
export const PAGE_MAX_AGE_SECONDS = 300;

/**
 * Declares, while a cached page renders, the tags it depends on and how long
 * it may live at most (for a page that changes at a known time, such as
 * comments closing). Next attaches the tags to the page, so expiring any of
 * them re-renders it on its next request.
 */
export async function dependsOn(tags: string[], maxAgeSeconds = PAGE_MAX_AGE_SECONDS): Promise<void> {
  const all = [CACHE_TAGS.site, ...tags];
  const revalidate = Math.max(1, Math.min(PAGE_MAX_AGE_SECONDS, Math.floor(maxAgeSeconds)));
  await unstable_cache(async () => true, ["page-depends-on", ...all], { tags: all, revalidate })();
}

/**
 * Memoizes a rendering that depends only on its key (an article's body at
 * one version), in Next's data cache, expired with the article's tags.
 */
export function cachedRender(key: string[], tags: string[], render: () => string | Promise<string>): Promise<string> {
  return unstable_cache(async () => render(), key, { tags: [CACHE_TAGS.site, ...tags] })();
}
