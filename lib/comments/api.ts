import "server-only";
import type { Article } from "@/db/schema";
import { getPublishedArticle } from "@/lib/articles/queries";
import { CACHE_TAGS, cachedRender } from "@/lib/cache/pages";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { issueFormToken } from "./form-token";
import { countApprovedComments } from "@/lib/articles/queries";
import { getThreadPage, threadPageCount, type ThreadNode } from "./thread";

export type ApiComment = {
  id: number;
  parentId: number | null;
  author: { name: string; url: string | null };
  content: string;
  createdAt: string;
  permalink: string;
  replies: ApiComment[];
};

function toApi(node: ThreadNode, articleUrl: string): ApiComment {
  return {
    id: node.id,
    parentId: node.parentId,
    author: { name: node.authorName, url: node.authorUrl || null },
    content: node.content,
    createdAt: node.createdAt.toISOString(),
    permalink: `${articleUrl}#comment-${node.id}`,
    replies: node.children.map((c) => toApi(c, articleUrl)),
  };
}

/** One page of an article's approved comments (whole threads), the same for every reader. */
async function commentsPage(article: Article, page: number) {
  const settings = await getSettings();
  const thread = await getThreadPage(getDb(), article.id, { page, perPage: settings.commentsPerPage });
  const articleUrl = `${env().SITE_URL}/articles/${article.slug}`;
  return {
    article: { slug: article.slug, title: article.title, commentsOpen: article.commentsOpen },
    total: await countApprovedComments(article.id),
    page: thread.page,
    pageCount: thread.pageCount,
    perPage: thread.perPage,
    comments: thread.roots.map((r) => toApi(r, articleUrl)),
  };
}

/**
 * An article's approved comments for the JSON API, as JSON text: the page of
 * comments comes from Next's data cache (expired with the article's page,
 * lib/cache/pages.ts); only the form token is made per request.
 */
export async function commentsJsonForApi(slug: string, page: number): Promise<string | null> {
  const article = await getPublishedArticle(slug);
  if (!article) return null;
  // Clamped before it becomes a cache key: one entry per real page, whatever number is asked for.
  const shown = Math.min(Math.max(1, page), await threadPageCount(getDb(), article.id, (await getSettings()).commentsPerPage));
  const json = await cachedRender(
    ["comments-api", String(article.id), String(article.updatedAt.getTime()), String(shown)],
    [CACHE_TAGS.article(article.id), CACHE_TAGS.slug(article.slug)],
    async () => JSON.stringify(await commentsPage(article, shown)),
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
