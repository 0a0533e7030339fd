import "server-only";
import type { Article, EditorReview } from "@/db/schema";
import { SITE_NAME, absoluteUrl, articlePath } from "@/lib/site";

/**
 * JSON-LD for an article page: a schema.org NewsArticle, with the published
 * editor review as a Review. Serialized safely for a <script> element.
 */
export function newsArticleJsonLd(article: Article, review: (EditorReview & { reviewerName?: string | null }) | null): string {
  const url = absoluteUrl(articlePath(article.slug));
  const data: Record<string, unknown> = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: article.title,
    description: article.summary || undefined,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    url,
    datePublished: article.publishedAt?.toISOString(),
    dateModified: article.updatedAt.toISOString(),
    image: article.heroImageUrl ? [absoluteUrl(article.heroImageUrl)] : undefined,
    author: article.source ? { "@type": "Organization", name: article.source } : undefined,
    publisher: { "@type": "Organization", name: SITE_NAME, url: absoluteUrl("/") },
  };
  if (review) {
    data.review = {
      "@type": "Review",
      name: review.headline,
      reviewBody: review.summary || undefined,
      datePublished: review.publishedAt?.toISOString(),
      reviewRating: { "@type": "Rating", ratingValue: review.rating, bestRating: 5, worstRating: 1 },
      author: review.reviewerName ? { "@type": "Person", name: review.reviewerName } : { "@type": "Organization", name: SITE_NAME },
    };
  }
  return serializeJsonLd(data);
}

/** JSON that cannot close its <script> element or open a comment. */
export function serializeJsonLd(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
