import type { Metadata } from "next";
import type { ReactNode } from "react";
import type { Article } from "@/lib/articles/article";
import type { ArticlePageData } from "@/lib/articles/page";
import { commentFeedPath } from "@/lib/comments/feed-path";
import type { PersonalView } from "@/lib/comments/personal-view";
import { PersonalProvider } from "./personal";
import { commentPageQuery, type CommentOrder, type SiteCommentOrder } from "@/lib/comments/order";
import { newsArticleJsonLd } from "@/lib/articles/structured-data";
import { formatDate } from "@/lib/dates";
import { SITE_NAME, absoluteUrl, articlePath } from "@/lib/site";
import { CommentsSection } from "./comments-section";
import { EditorReviewSection } from "./editor-review";

export function articleMetadata(article: Article | null): Metadata {
  if (!article) return { title: "Article not found" };
  const url = absoluteUrl(articlePath(article.slug));
  return {
    title: article.title,
    description: article.summary || undefined,
    alternates: {
      canonical: url,
      types: {
        "application/rss+xml": [
          { url: "/feed.xml", title: `${SITE_NAME} RSS` },
          { url: commentFeedPath(article.slug), title: `Comments on ${article.title}` },
        ],
      },
    },
    openGraph: {
      type: "article",
      url,
      title: article.title,
      description: article.summary || undefined,
      publishedTime: article.publishedAt?.toISOString(),
      modifiedTime: article.updatedAt.toISOString(),
      images: article.heroImageUrl
        ? [{ url: absoluteUrl(article.heroImageUrl), alt: article.heroImageAlt ?? "" }]
        : undefined,
    },
  };
}

/**
 * Where the thread's links go: comment pages and (without JavaScript) reply
 * forms, in the order shown (`?order=` only when it is not the site's default).
 */
export function articleLinks(slug: string, page: number, order: CommentOrder = "oldest", siteOrder: SiteCommentOrder = order === "newest" ? "newest" : "oldest") {
  const base = articlePath(slug);
  const pagePath = (n: number) => `${base}${commentPageQuery(n, order, siteOrder)}`;
  return {
    pagePath,
    pageHref: (n: number) => `${pagePath(n)}#comments`,
    cancelReplyHref: `${pagePath(page)}#respond`,
  };
}

type Props = {
  data: ArticlePageData;
  replyToId: number | null;
  /** The comment form, placed under the reply target or at the end. */
  form: ReactNode;
  /**
   * The viewer's own parts (docs/decisions/022): given by the page rendered for
   * them; null on the cached page, which asks for them after load.
   */
  personal: PersonalView | null;
};

/** An article page: the article, its editor review and its comments. The same for cached and per-visitor pages. */
export function ArticleView({ data, replyToId, form, personal }: Props) {
  const { article, html, review, commentCount, thread, settings, commentsOpen } = data;
  const links = articleLinks(article.slug, thread.page, thread.order, settings.commentOrder);
  const jsonLd = newsArticleJsonLd(article, review);
  const showCredit =
    article.heroImageCredit &&
    !(article.heroImageCaption ?? "").toLowerCase().includes(article.heroImageCredit.toLowerCase());
  return (
    <>
      <article className="article">
        <header className="article__header">
          <h1>{article.title}</h1>
          {article.summary ? <p className="article__summary">{article.summary}</p> : null}
          <p className="byline">
            {article.source ? (
              <span>
                Source: <span className="byline__source">{article.source}</span>
              </span>
            ) : null}
            {article.publishedAt ? (
              <time dateTime={article.publishedAt.toISOString()}>{formatDate(article.publishedAt)}</time>
            ) : null}
          </p>
        </header>
        {article.heroImageUrl ? (
          <figure className="hero">
            {/* Images are served from this site: no external requests. */}
            <img
              src={article.heroImageUrl}
              alt={article.heroImageAlt ?? ""}
              width={1200}
              height={630}
              fetchPriority="high"
            />
            {article.heroImageCaption || showCredit ? (
              <figcaption>
                {article.heroImageCaption}
                {showCredit ? ` (${article.heroImageCredit})` : null}
              </figcaption>
            ) : null}
          </figure>
        ) : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />
      </article>
      <EditorReviewSection review={review} />
      <PersonalProvider slug={article.slug} initial={personal}>
      <CommentsSection
        count={commentCount}
        thread={thread}
        maxDepth={settings.threadDepth}
        commentsOpen={commentsOpen}
        replyToId={replyToId}
        pageHref={links.pageHref}
        orderHref={(order) => `${articleLinks(article.slug, 1, order, settings.commentOrder).pagePath(1)}#comments`}
        siteOrder={settings.commentOrder}
        feedPath={commentFeedPath(article.slug)}
        form={form}
        pagePath={links.pagePath(thread.page)}
        slug={article.slug}
        featured={data.featured}
        message={article.commentsMessage}
      />
      </PersonalProvider>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd }} />
    </>
  );
}
