import { buildRssFeed } from "@/lib/articles/feed";
import { listPublishedArticles } from "@/lib/articles/queries";
import { CACHE_TAGS, dependsOn } from "@/lib/cache/pages";
import { weakEtag } from "@/lib/http/etag";

/**
 * /feed.xml (next.config.js rewrites it here): the RSS feed, from Next's
 * cache, expired with the front page.
 */
export const revalidate = 300;

export function generateStaticParams(): { file: string }[] {
  return [];
}

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  if ((await params).file !== "rss.xml") return new Response("Not found\n", { status: 404 });
  await dependsOn([CACHE_TAGS.front]);
  const xml = buildRssFeed(await listPublishedArticles({ limit: 50 }));
  // Stored with the cached answer; a reader's conditional GET gets a 304 (scripts/server.mjs).
  return new Response(xml, { headers: { "Content-Type": "application/rss+xml; charset=utf-8", ETag: weakEtag(xml) } });
}
