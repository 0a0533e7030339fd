import "server-only";
import type { Article } from "@/db/schema";
import { getPublishedArticle } from "@/lib/articles/queries";
import { CACHE_TAGS, cachedRender } from "@/lib/cache/pages";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { issueFormToken } from "./form-token";
import { countApprovedComments } from "@/lib/articles/queries";
import { commentPageQuery, effectiveOrder, type CommentOrder } from "./order";
import { getThreadPage, threadPageCount, type ThreadNode } from "./thread";

/** The data layer's "the database did not answer", for the comment routes' 503. */
export { isDatabaseUnavailable } from "@/lib/db/errors";

export type ApiComment = {
  id: number;
  parentId: number | null;
  author: { name: string; url: string | null };
  content: string;
  createdAt: string;
  /** How many readers respect it (may lag by up to a minute: lib/cache/invalidation.ts). */
  respects: number;
  /** Featured by a moderator (the page's Featured comments). */
  featured: boolean;
  /** Written by an editor, moderator or admin account. */
  staff: boolean;
  permalink: string;
  replies: ApiComment[];
};

/** `pageUrl`: the address of the comment page the node is on (permalinks land there). */
function toApi(node: ThreadNode, pageUrl: string): ApiComment {
  return {
    id: node.id,
    parentId: node.parentId,
    author: { name: node.authorName, url: node.authorUrl || null },
    content: node.content,
    createdAt: node.createdAt.toISOString(),
    respects: node.respectCount,
    featured: Boolean(node.featuredAt),
    staff: node.staff ?? false,
    permalink: `${pageUrl}#comment-${node.id}`,
    replies: node.children.map((c) => toApi(c, pageUrl)),
  };
}

/** One page of an article's approved comments (whole threads) in one order, the same for every reader. */
async function commentsPage(article: Article, page: number, order: CommentOrder) {
  const settings = await getSettings();
  const thread = await getThreadPage(getDb(), article.id, { page, perPage: settings.commentsPerPage, order });
  const pageUrl = `${env().SITE_URL}/articles/${article.slug}${commentPageQuery(thread.page, order, settings.commentOrder)}`;
  return {
    article: { slug: article.slug, title: article.title, commentsOpen: article.commentsOpen },
    total: await countApprovedComments(article.id),
    page: thread.page,
    pageCount: thread.pageCount,
    perPage: thread.perPage,
    order: thread.order,
    comments: thread.roots.map((r) => toApi(r, pageUrl)),
  };
}

/**
 * An article's approved comments for the JSON API, as JSON text: the page of
 * comments comes from Next's data cache (expired with the article's page,
 * lib/cache/pages.ts); only the form token is made per request. `order`:
 * the reader's choice (null: the site's `commentOrder`).
 */
export async function commentsJsonForApi(slug: string, page: number, order: CommentOrder | null = null): Promise<string | null> {
  const article = await getPublishedArticle(slug);
  if (!article) return null;
  const settings = await getSettings();
  const shownOrder = effectiveOrder(order, settings.commentOrder);
  // Clamped before it becomes a cache key: one entry per real page, whatever number is asked for.
  const shown = Math.min(Math.max(1, page), await threadPageCount(article.id, settings.commentsPerPage));
  // The site's order is in the key too: permalinks name the order only when it is not the default.
  const json = await cachedRender(
    ["comments-api", String(article.id), String(article.updatedAt.getTime()), String(shown), shownOrder, settings.commentOrder],
    [CACHE_TAGS.article(article.id), CACHE_TAGS.slug(article.slug)],
    async () => JSON.stringify(await commentsPage(article, shown, shownOrder)),
  );
  // "…}" → "…,"formToken":"…"}": the token goes last, as it always has.
  return `${json.slice(0, -1)},"formToken":${JSON.stringify(issueFormToken(article.id))}}`;
}

/**
 * Same-origin only: a browser's Origin (or, without one, Sec-Fetch-Site) must
 * name this site. Requests without either (curl, servers) are not from a page.
 */
export function isSameOrigin(headers: Headers, requestUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin) {
    const allowed = new Set([new URL(env().SITE_URL).origin, new URL(requestUrl).origin]);
    const host = headers.get("host");
    if (host) {
      allowed.add(`http://${host}`);
      allowed.add(`https://${host}`);
    }
    return allowed.has(origin);
  }
  const site = headers.get("sec-fetch-site");
  return site === null || site === "same-origin";
}
