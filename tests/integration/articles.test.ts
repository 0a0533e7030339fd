import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { articles, editorReviews } from "@/db/schema";
import {
  countApprovedComments,
  getPublishedArticle,
  getPublishedReview,
  listPublishedArticles,
} from "@/lib/articles/queries";
import { getThreadPage } from "@/lib/comments/thread";
import { getDb } from "@/lib/db";
import { createArticle, createComment } from "../support/factories";

describe("published articles", () => {
  it("lists only published articles, newest first, with approved comment counts", () => {
    const older = createArticle({ publishedAt: new Date("2020-01-01T00:00:00Z") });
    const newer = createArticle({ publishedAt: new Date("2021-01-01T00:00:00Z") });
    createArticle({ status: "draft", publishedAt: null });
    createArticle({ status: "in_review", publishedAt: null });
    createComment(older.id, { status: "approved" });
    createComment(older.id, { status: "approved" });
    createComment(older.id, { status: "pending" });
    createComment(older.id, { status: "spam" });
    createComment(older.id, { status: "trash" });

    const list = listPublishedArticles();
    expect(list.map((a) => a.id)).toEqual([newer.id, older.id]);
    expect(list.find((a) => a.id === older.id)?.commentCount).toBe(2);
    expect(list.find((a) => a.id === newer.id)?.commentCount).toBe(0);
  });

  it("finds a published article by slug and hides drafts and unknown slugs", () => {
    const published = createArticle();
    const draft = createArticle({ status: "draft", publishedAt: null });
    expect(getPublishedArticle(published.slug)?.id).toBe(published.id);
    expect(getPublishedArticle(draft.slug)).toBeNull();
    expect(getPublishedArticle("no-such-article")).toBeNull();
  });

  it("counts and lists only approved comments, oldest first", () => {
    const article = createArticle();
    const first = createComment(article.id, { createdAt: new Date("2024-01-01T10:00:00Z") });
    const second = createComment(article.id, { createdAt: new Date("2024-01-01T11:00:00Z") });
    createComment(article.id, { status: "pending", authorName: "Held Person" });
    expect(countApprovedComments(article.id)).toBe(2);
    expect(getThreadPage(getDb(), article.id, { perPage: 50 }).roots.map((c) => c.id)).toEqual([first.id, second.id]);
  });

  it("shows an editor review only once it is published", () => {
    const article = createArticle();
    getDb()
      .insert(editorReviews)
      .values({ articleId: article.id, rating: 4, headline: "Careful work", status: "draft" })
      .run();
    expect(getPublishedReview(article.id)).toBeNull();
    getDb()
      .update(editorReviews)
      .set({ status: "published", publishedAt: new Date() })
      .where(eq(editorReviews.articleId, article.id))
      .run();
    expect(getPublishedReview(article.id)).toMatchObject({ rating: 4, headline: "Careful work" });
  });
});

describe("schema constraints", () => {
  it("rejects a duplicate slug, an unknown status and a rating outside 1-5", () => {
    const article = createArticle();
    expect(() => createArticle({ slug: article.slug })).toThrow(/UNIQUE/);
    expect(() =>
      getDb().$client.prepare("update articles set status = 'archived' where id = ?").run(article.id),
    ).toThrow(/CHECK/);
    expect(() =>
      getDb().insert(editorReviews).values({ articleId: article.id, rating: 6, headline: "x" }).run(),
    ).toThrow(/CHECK/);
  });

  it("deletes an article's comments with it (foreign keys are on)", () => {
    const article = createArticle();
    createComment(article.id);
    getDb().delete(articles).where(eq(articles.id, article.id)).run();
    expect(countApprovedComments(article.id)).toBe(0);
    const { n } = getDb().$client.prepare("select count(*) as n from comments where article_id = ?").get(article.id) as { n: number };
    expect(n).toBe(0);
  });

  it("runs with WAL, foreign keys and a busy timeout", () => {
    const sqlite = getDb().$client;
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
  });
});
