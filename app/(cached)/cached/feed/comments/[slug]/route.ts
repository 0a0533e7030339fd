import { permanentRedirect } from "next/navigation";
import { SLUG_PATTERN, movedArticle } from "@/lib/articles/editorial";
import { getPublishedArticle } from "@/lib/articles/queries";
import { CACHE_TAGS, dependsOn } from "@/lib/cache/pages";
import { articleCommentFeed, buildCommentFeedXml, listFeedComments } from "@/lib/comments/feed";
import { commentFeedPath } from "@/lib/comments/feed-path";
import { weakEtag } from "@/lib/http/etag";
import { getSettings } from "@/lib/settings";

/**
 * /articles/<slug>/comments.xml (next.config.js rewrites it here): one
 * article's comments feed, from Next's cache, expired with the article's
 * page. An unknown or unpublished article answers 404; an old slug of a
 * published article redirects to the feed at its new address.
 */
export const revalidate = 300;

export function generateStaticParams(): { slug: string }[] {
  return [];
}

const notFound = () =>
  new Response("This article does not exist.\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  if (slug.length > 200 || !SLUG_PATTERN.test(slug)) return notFound();
  const article = await getPublishedArticle(slug);
  if (!article) {
    const moved = await movedArticle(slug);
    await dependsOn(moved ? [CACHE_TAGS.slug(slug), CACHE_TAGS.article(moved.id)] : [CACHE_TAGS.slug(slug)]);
    if (moved) permanentRedirect(commentFeedPath(moved.slug));
    return notFound();
  }
  await dependsOn([CACHE_TAGS.article(article.id), CACHE_TAGS.slug(slug)]);
  const settings = await getSettings();
  const paging = { perPage: settings.commentsPerPage, order: settings.commentOrder };
  const xml = buildCommentFeedXml(articleCommentFeed(article, await listFeedComments({ articleId: article.id, paging })));
  // Stored with the cached answer; a reader's conditional GET gets a 304 (scripts/server.mjs).
  return new Response(xml, { headers: { "Content-Type": "application/rss+xml; charset=utf-8", ETag: weakEtag(xml) } });
}
