import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import {
  countApprovedComments,
  getPublishedArticle,
  getPublishedReview,
} from "@/lib/articles/queries";
import { renderMarkdown } from "@/lib/articles/markdown";
import { newsArticleJsonLd } from "@/lib/articles/structured-data";
import { listApprovedComments } from "@/lib/comments/queries";
import { formatDate } from "@/lib/dates";
import { absoluteUrl, articlePath } from "@/lib/site";
import { CommentsSection } from "./comments-section";
import { EditorReviewSection } from "./editor-review";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

const loadArticle = cache((slug: string) => getPublishedArticle(slug));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const article = loadArticle(slug);
  if (!article) return { title: "Article not found" };
  const url = absoluteUrl(articlePath(article.slug));
  return {
    title: article.title,
    description: article.summary || undefined,
    alternates: { canonical: url },
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

export default async function ArticlePage({ params }: Props) {
  const { slug } = await params;
  const article = loadArticle(slug);
  if (!article) notFound();

  const review = getPublishedReview(article.id);
  const commentCount = countApprovedComments(article.id);
  const approved = commentCount > 0 ? listApprovedComments(article.id) : [];
  const html = renderMarkdown(article.body);
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
              <time dateTime={article.publishedAt.toISOString()}>
                {formatDate(article.publishedAt)}
              </time>
            ) : null}
          </p>
        </header>
        {article.heroImageUrl ? (
          <figure className="hero">
            {/* Images are served from this site: no external requests. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
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
      <CommentsSection count={commentCount} comments={approved} commentsOpen={article.commentsOpen} />
      <script
        type="application/ld+json"
        dangerouslySetInnerHTML={{ __html: jsonLd }}
      />
    </>
  );
}
