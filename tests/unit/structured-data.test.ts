import { describe, expect, it } from "vitest";
import type { Article, EditorReview } from "@/db/schema";
import { newsArticleJsonLd, serializeJsonLd } from "@/lib/articles/structured-data";

const article: Article = {
  id: 1,
  slug: "story",
  title: "A </script><script>alert(1)</script> story",
  summary: "Summary",
  body: "",
  heroImageUrl: "/images/a.svg",
  heroImageAlt: null,
  heroImageCaption: null,
  heroImageCredit: null,
  source: "Wire",
  authorId: null,
  status: "published",
  commentsOpen: true,
  commentsCloseAt: null,
  commentsKeepOpen: false,
  premoderateAll: false,
  premoderateLinks: false,
  commentsMessage: "",
  publishedAt: new Date("2018-07-17T09:00:00Z"),
  createdAt: new Date("2018-07-17T09:00:00Z"),
  updatedAt: new Date("2018-07-18T09:00:00Z"),
  version: 0,
};

describe("serializeJsonLd", () => {
  it("cannot close its script element", () => {
    const out = serializeJsonLd({ t: "</script><!--" });
    expect(out).not.toMatch(/<|>/);
    expect(JSON.parse(out)).toEqual({ t: "</script><!--" });
  });
});

describe("newsArticleJsonLd", () => {
  it("describes a NewsArticle with absolute URLs and dates", () => {
    const data = JSON.parse(newsArticleJsonLd(article, null));
    expect(data).toMatchObject({
      "@type": "NewsArticle",
      headline: article.title,
      url: "http://localhost:3000/articles/story",
      image: ["http://localhost:3000/images/a.svg"],
      datePublished: "2018-07-17T09:00:00.000Z",
      dateModified: "2018-07-18T09:00:00.000Z",
      author: { "@type": "Organization", name: "Wire" },
    });
    expect(data.review).toBeUndefined();
  });

  it("adds the published editor review with its rating", () => {
    const review = {
      id: 1,
      articleId: 1,
      reviewerId: null,
      rating: 4,
      headline: "Well sourced",
      summary: "Solid.",
      criteria: [],
      status: "published",
      publishedAt: new Date("2018-07-19T00:00:00Z"),
      createdAt: new Date(),
      updatedAt: new Date(),
    } satisfies EditorReview;
    const data = JSON.parse(newsArticleJsonLd(article, review));
    expect(data.review).toMatchObject({
      "@type": "Review",
      name: "Well sourced",
      reviewBody: "Solid.",
      datePublished: "2018-07-19T00:00:00.000Z",
      reviewRating: { "@type": "Rating", ratingValue: 4, bestRating: 5, worstRating: 1 },
      author: { "@type": "Organization" },
    });
    const named = JSON.parse(newsArticleJsonLd(article, { ...review, reviewerName: "Edna Editor" }));
    expect(named.review).toEqual({
      "@type": "Review",
      name: "Well sourced",
      reviewBody: "Solid.",
      datePublished: "2018-07-19T00:00:00.000Z",
      reviewRating: { "@type": "Rating", ratingValue: 4, bestRating: 5, worstRating: 1 },
      author: { "@type": "Person", name: "Edna Editor" },
    });
  });

  it("names the site as the review's author when the reviewer is unknown, and leaves out an empty summary", () => {
    const review = {
      id: 2,
      articleId: 1,
      reviewerId: null,
      rating: 2,
      headline: "Thin",
      summary: "",
      criteria: [{ name: "Sourcing", score: 1 }],
      status: "published",
      publishedAt: new Date("2018-07-20T00:00:00Z"),
      createdAt: new Date(),
      updatedAt: new Date(),
      reviewerName: null,
    } satisfies EditorReview & { reviewerName: string | null };
    const data = JSON.parse(newsArticleJsonLd(article, review));
    expect(data.review.author).toEqual({ "@type": "Organization", name: expect.any(String) });
    expect(data.review.author.name).not.toBe("");
    expect(data.review).not.toHaveProperty("reviewBody");
    expect(data.review.reviewRating.ratingValue).toBe(2);
  });
});
