import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { articles, comments } from "@/db/schema";
import { escapeXml } from "@/lib/articles/feed";
import { getDb, type Db } from "@/lib/db";
import { SITE_LANG, SITE_NAME, absoluteUrl, articlePath } from "@/lib/site";
import { SITE_COMMENT_FEED_PATH, commentFeedPath } from "./feed-path";
import { commentPageQuery, type SiteCommentOrder } from "./order";
import { placesOfComments } from "./thread";

/**
 * The comments feeds (RSS 2.0): the newest approved comments of one article
 * (/articles/<slug>/comments.xml) or of the whole site (/feed/comments.xml),
 * as WordPress serves them. Only what a reader of the page sees: approved
 * comments, every comment above them approved too, on published articles.
 * Each item links to the comment on the page it is on, in the site's order.
 */

/** How many comments a feed lists. */
export const COMMENT_FEED_LIMIT = 50;

export type CommentFeedItem = {
  id: number;
  articleTitle: string;
  authorName: string;
  content: string;
  createdAt: Date;
  /** The comment's permalink: absolute, on its comment page. */
  link: string;
  /** Stable whatever page the comment moves to. */
  guid: string;
};

export type CommentFeed = {
  title: string;
  /** The page the feed is about (the article, or the front page). */
  link: string;
  /** The feed's own address. */
  self: string;
  description: string;
  items: CommentFeedItem[];
};

type Paging = { perPage: number; order: SiteCommentOrder };

/**
 * The newest comments shown on published articles (of one article when
 * `articleId` is given), newest first, with their permalinks on the pages
 * they are on in the site's order (`paging`: the settings
 * `commentsPerPage` and `commentOrder`).
 */
export async function listFeedComments(
  { articleId, limit = COMMENT_FEED_LIMIT, paging }: { articleId?: number; limit?: number; paging: Paging },
  db: Db = getDb(),
): Promise<CommentFeedItem[]> {
  // More than needed: a reply under a comment that is no longer approved is
  // not on the page, so it is left out below.
  const candidates = await db
    .select({
      id: comments.id,
      articleSlug: articles.slug,
      articleTitle: articles.title,
      authorName: comments.authorName,
      content: comments.content,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .innerJoin(articles, eq(articles.id, comments.articleId))
    .where(
      and(
        eq(comments.status, "approved"),
        eq(articles.status, "published"),
        articleId === undefined ? undefined : eq(comments.articleId, articleId),
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit * 2);
  const places = await placesOfComments(
    db,
    candidates.map((c) => c.id),
    paging.perPage,
    paging.order,
  );
  const items: CommentFeedItem[] = [];
  for (const c of candidates) {
    const place = places.get(c.id);
    if (!place?.visible) continue;
    const article = articlePath(c.articleSlug);
    items.push({
      id: c.id,
      articleTitle: c.articleTitle,
      authorName: c.authorName,
      content: c.content,
      createdAt: c.createdAt,
      link: `${absoluteUrl(`${article}${commentPageQuery(place.page, paging.order, paging.order)}`)}#comment-${c.id}`,
      guid: `${absoluteUrl(article)}#comment-${c.id}`,
    });
    if (items.length === limit) break;
  }
  return items;
}

/** The feed of one article's comments. */
export function articleCommentFeed(article: { slug: string; title: string }, items: CommentFeedItem[]): CommentFeed {
  return {
    title: `Comments on ${article.title}`,
    link: absoluteUrl(articlePath(article.slug)),
    self: absoluteUrl(commentFeedPath(article.slug)),
    description: `The newest reader comments on “${article.title}” at ${SITE_NAME}.`,
    items,
  };
}

/** The feed of the whole site's comments. */
export function siteCommentFeed(items: CommentFeedItem[]): CommentFeed {
  return {
    title: `Comments on ${SITE_NAME}`,
    link: absoluteUrl("/"),
    self: absoluteUrl(SITE_COMMENT_FEED_PATH),
    description: `The newest reader comments on ${SITE_NAME}.`,
    items,
  };
}

/** A lone surrogate (half of a pair): not a character, and XML does not allow it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data: markup escaped, characters XML 1.0 forbids dropped (emoji kept). */
export function xmlText(text: string): string {
  return escapeXml(text.replace(LONE_SURROGATE, ""));
}

/**
 * A CDATA section holding `text` exactly: a "]]>" inside would end it, so
 * it is split across two sections ("]]" in one, ">" in the next).
 */
export function cdata(text: string): string {
  const clean = text.replace(LONE_SURROGATE, "").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
  return `<![CDATA[${clean.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * A comment's text as the HTML a feed reader shows: every character escaped
 * (a comment's markup is text, never HTML), paragraphs at blank lines, line
 * breaks kept.
 */
export function commentHtml(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!).replace(/\n/g, "<br>\n")}</p>`)
    .join("\n");
}

/** The RSS 2.0 document of a comments feed (items newest first). */
export function buildCommentFeedXml(feed: CommentFeed): string {
  const newest = feed.items[0]?.createdAt;
  const entries = feed.items
    .map((item) =>
      [
        "    <item>",
        `      <title>${xmlText(`Comment on ${item.articleTitle} by ${item.authorName}`)}</title>`,
        `      <link>${xmlText(item.link)}</link>`,
        `      <guid isPermaLink="false">${xmlText(item.guid)}</guid>`,
        `      <pubDate>${item.createdAt.toUTCString()}</pubDate>`,
        `      <dc:creator>${xmlText(item.authorName)}</dc:creator>`,
        `      <description>${cdata(commentHtml(item.content))}</description>`,
        "    </item>",
      ].join("\n"),
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xmlText(feed.title)}</title>
    <link>${xmlText(feed.link)}</link>
    <description>${xmlText(feed.description)}</description>
    <language>${SITE_LANG}</language>
    <atom:link href="${xmlText(feed.self)}" rel="self" type="application/rss+xml"/>
${newest ? `    <lastBuildDate>${newest.toUTCString()}</lastBuildDate>\n` : ""}${entries}${entries ? "\n" : ""}  </channel>
</rss>
`;
}
