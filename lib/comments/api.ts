import "server-only";
import { getPublishedArticle } from "@/lib/articles/queries";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { issueFormToken } from "./form-token";
import { countApprovedComments } from "@/lib/articles/queries";
import { getThreadPage, type ThreadNode } from "./thread";

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

/** An article's approved comments for the JSON API: one page of whole threads. */
export function commentsForApi(slug: string, page: number) {
  const article = getPublishedArticle(slug);
  if (!article) return null;
  const settings = getSettings();
  const thread = getThreadPage(getDb(), article.id, { page, perPage: settings.commentsPerPage });
  const articleUrl = `${env().SITE_URL}/articles/${article.slug}`;
  return {
    article: { slug: article.slug, title: article.title, commentsOpen: article.commentsOpen },
    total: countApprovedComments(article.id),
    page: thread.page,
    pageCount: thread.pageCount,
    perPage: thread.perPage,
    comments: thread.roots.map((r) => toApi(r, articleUrl)),
    /** Send it back with a new comment (see the minimum-time defence). */
    formToken: issueFormToken(article.id),
  };
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
