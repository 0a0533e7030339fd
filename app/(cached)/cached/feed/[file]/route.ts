import { buildRssFeed } from "@/lib/articles/feed";
import { listPublishedArticles } from "@/lib/articles/queries";
import { CACHE_TAGS, dependsOn } from "@/lib/cache/pages";
import { buildCommentFeedXml, listFeedComments, siteCommentFeed } from "@/lib/comments/feed";
import { weakEtag } from "@/lib/http/etag";
import { getSettings } from "@/lib/settings";

/**
 * /feed.xml and /feed/comments.xml (next.config.js rewrites them here): the
 * RSS feeds of articles and of the whole site's comments, from Next's cache,
 * expired with the front page (every approved comment that changes writes
 * its tag) and with the site's settings (comment pages, order).
 */
export const revalidate = 300;

export function generateStaticParams(): { file: string }[] {
  return [];
}

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  if (file !== "rss.xml" && file !== "comments.xml") return new Response("Not found\n", { status: 404 });
  await dependsOn([CACHE_TAGS.front]);
  let xml: string;
  if (file === "rss.xml") {
    xml = buildRssFeed(await listPublishedArticles({ limit: 50 }));
  } else {
    const settings = await getSettings();
    const paging = { perPage: settings.commentsPerPage, order: settings.commentOrder };
    xml = buildCommentFeedXml(siteCommentFeed(await listFeedComments({ paging })));
  }
  // Stored with the cached answer; a reader's conditional GET gets a 304 (scripts/server.mjs).
  return new Response(xml, { headers: { "Content-Type": "application/rss+xml; charset=utf-8", ETag: weakEtag(xml) } });
}
