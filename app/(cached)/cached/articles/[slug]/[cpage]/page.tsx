import type { Metadata } from "next";
import { mailEnabled } from "@/lib/mail/outbox";
import { notFound, permanentRedirect, redirect } from "next/navigation";
import { cache } from "react";
import { ArticleView, articleLinks, articleMetadata } from "@/app/_article/article-view";
import { PersonalCommentForm } from "@/app/_article/comment-form";
import { movedArticle } from "@/lib/articles/editorial";
import { loadArticlePage } from "@/lib/articles/page";
import { getPublishedArticle } from "@/lib/articles/queries";
import { threadPageCount } from "@/lib/comments/thread";
import { getSettings } from "@/lib/settings";
import { CACHE_TAGS, PAGE_MAX_AGE_SECONDS, dependsOn } from "@/lib/cache/pages";
import { issueFormToken } from "@/lib/comments/form-token";
import { effectiveOrder, parseCommentOrder, type CommentOrder } from "@/lib/comments/order";
import { articlePath } from "@/lib/site";

/**
 * The article page as every anonymous reader sees it, rendered once and
 * served from Next's page cache until something it shows changes
 * (lib/cache/invalidation.ts) or PAGE_MAX_AGE_SECONDS pass. Readers reach it
 * at /articles/<slug>[?cpage=N][&order=newest|oldest] through next.config.js's
 * rewrites (the order is part of the address, `N` or `N-newest`, so each
 * order's page is cached apart; all of them carry the same tags), which send
 * a reader without JavaScript who has per-visitor cookies to app/(site)/articles
 * instead. A reader with JavaScript gets this page whatever cookies they carry:
 * their own parts come from the personal request after load (docs/decisions/022).
 * Nothing here may read cookies, headers or the session: the page would turn dynamic.
 */
export const revalidate = 300; // PAGE_MAX_AGE_SECONDS (a literal: Next reads it at build time)

/** No page is built ahead: each is rendered on its first request, then cached. */
export function generateStaticParams(): { slug: string; cpage: string }[] {
  return [];
}

type Props = { params: Promise<{ slug: string; cpage: string }> };

/** `2` (the site's order) or `2-newest` / `2-oldest` (the reader's): the comment page and the order asked for. */
function parseCommentPage(cpage: string): { page: number; order: CommentOrder | null } | null {
  const match = /^([1-9]\d{0,5})(?:-(\w{1,10}))?$/.exec(cpage);
  if (!match) return null;
  const order = match[2] === undefined ? null : parseCommentOrder(match[2]);
  if (match[2] !== undefined && order === null) return null;
  return { page: Number(match[1]), order };
}

const loadArticle = cache((slug: string) => getPublishedArticle(slug));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, cpage } = await params;
  const metadata = articleMetadata(await loadArticle(slug));
  // Later comment pages are not separate documents for search engines.
  // Later comment pages and the other order are not separate documents for search engines.
  return cpage === "1" ? metadata : { ...metadata, robots: { index: false, follow: true } };
}

export default async function CachedArticlePage({ params }: Props) {
  const { slug, cpage } = await params;
  const asked = parseCommentPage(cpage);
  const page = asked?.page ?? null;
  const article = await loadArticle(slug);
  if (!article || asked === null || page === null) {
    const target = asked === null ? null : await movedArticle(slug);
    if (target) {
      // A redirect to an article lasts as long as that article stays published.
      await dependsOn([CACHE_TAGS.slug(slug), CACHE_TAGS.article(target.id)]);
      permanentRedirect(articlePath(target.slug));
    }
    // A 404 is not kept (lib/cache/page-cache-handler.js): rendered on every
    // request, it needs no tags, so an unknown slug leaves nothing in the cache.
    notFound();
  }
  const settings = await getSettings();
  const pageCount = await threadPageCount(article.id, settings.commentsPerPage);
  if (page > pageCount) {
    // Past the last page: a small cached redirect, not one more copy of the
    // last page for every number someone tries.
    await dependsOn([CACHE_TAGS.article(article.id), CACHE_TAGS.slug(slug)]);
    const order = effectiveOrder(asked.order, settings.commentOrder);
    redirect(articleLinks(article.slug, pageCount, order, settings.commentOrder).pagePath(pageCount));
  }
  const now = new Date();
  const data = await loadArticlePage(article, { page, now, order: asked.order });
  const untilChange = data.changesAt ? (data.changesAt.getTime() - now.getTime()) / 1000 : PAGE_MAX_AGE_SECONDS;
  await dependsOn([CACHE_TAGS.article(article.id), CACHE_TAGS.slug(slug)], untilChange);
  return (
    <ArticleView
      data={data}
      replyToId={null}
      personal={null}
      form={
        <PersonalCommentForm
          articleSlug={article.slug}
          formToken={issueFormToken(article.id, now.getTime())}
          refreshToken
          guest
          notifyOffered={mailEnabled()}
          account={null}
          replyTo={null}
          cancelReplyHref={articleLinks(article.slug, data.thread.page, data.thread.order, data.settings.commentOrder).cancelReplyHref}
          defaults={{ name: "", email: "", url: "", remember: false }}
        />
      }
    />
  );
}
