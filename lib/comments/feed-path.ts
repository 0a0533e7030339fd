/** The comments feed of the whole site (RSS 2.0, lib/comments/feed.ts). */
export const SITE_COMMENT_FEED_PATH = "/feed/comments.xml";

/** The comments feed of one article (RSS 2.0), beside its page. */
export function commentFeedPath(slug: string): string {
  return `/articles/${slug}/comments.xml`;
}
