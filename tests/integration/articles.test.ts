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
import { execute, getDb, row, sql } from "@/lib/db";
import { createArticle, createComment } from "../support/factories";

/** The database's own message for a refused write (drizzle wraps it as the error's cause). */
async function failure(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(error);
  }
  throw new Error("the write was not refused");
}

describe("published articles", () => {
  it("lists only published articles, newest first, with approved comment counts", async () => {
    const older = await createArticle({ publishedAt: new Date("2020-01-01T00:00:00Z") });
    const newer = await createArticle({ publishedAt: new Date("2021-01-01T00:00:00Z") });
    await createArticle({ status: "draft", publishedAt: null });
    await createArticle({ status: "in_review", publishedAt: null });
    await createComment(older.id, { status: "approved" });
    await createComment(older.id, { status: "approved" });
    await createComment(older.id, { status: "pending" });
    await createComment(older.id, { status: "spam" });
    await createComment(older.id, { status: "trash" });

    const list = await listPublishedArticles();
    expect(list.map((a) => a.id)).toEqual([newer.id, older.id]);
    expect(list.find((a) => a.id === older.id)?.commentCount).toBe(2);
    expect(list.find((a) => a.id === newer.id)?.commentCount).toBe(0);
  });

  it("finds a published article by slug and hides drafts and unknown slugs", async () => {
    const published = await createArticle();
    const draft = await createArticle({ status: "draft", publishedAt: null });
    expect((await getPublishedArticle(published.slug))?.id).toBe(published.id);
    expect(await getPublishedArticle(draft.slug)).toBeNull();
    expect(await getPublishedArticle("no-such-article")).toBeNull();
  });

  it("counts and lists only approved comments, oldest first", async () => {
    const article = await createArticle();
    const first = await createComment(article.id, { createdAt: new Date("2024-01-01T10:00:00Z") });
    const second = await createComment(article.id, { createdAt: new Date("2024-01-01T11:00:00Z") });
    await createComment(article.id, { status: "pending", authorName: "Held Person" });
    expect(await countApprovedComments(article.id)).toBe(2);
    expect((await getThreadPage(getDb(), article.id, { perPage: 50 })).roots.map((c) => c.id)).toEqual([first.id, second.id]);
  });

  it("shows an editor review only once it is published", async () => {
    const article = await createArticle();
    await getDb().insert(editorReviews).values({ articleId: article.id, rating: 4, headline: "Careful work", status: "draft" });
    expect(await getPublishedReview(article.id)).toBeNull();
    await getDb()
      .update(editorReviews)
      .set({ status: "published", publishedAt: new Date() })
      .where(eq(editorReviews.articleId, article.id));
    expect(await getPublishedReview(article.id)).toMatchObject({ rating: 4, headline: "Careful work" });
  });
});

describe("schema constraints", () => {
  it("rejects a duplicate slug, an unknown status and a rating outside 1-5", async () => {
    const article = await createArticle();
    expect(await failure(createArticle({ slug: article.slug }))).toMatch(/UNIQUE/i);
    expect(await failure(execute(getDb(), sql`update articles set status = 'archived' where id = ${article.id}`))).toMatch(/CHECK/i);
    expect(await failure(getDb().insert(editorReviews).values({ articleId: article.id, rating: 6, headline: "x" }))).toMatch(/CHECK/i);
  });

  it("deletes an article's comments with it (foreign keys are on)", async () => {
    const article = await createArticle();
    await createComment(article.id);
    await getDb().delete(articles).where(eq(articles.id, article.id));
    expect(await countApprovedComments(article.id)).toBe(0);
    const found = await row<{ n: number | string }>(getDb(), sql`select count(*) as n from comments where article_id = ${article.id}`);
    expect(Number(found?.n)).toBe(0);
  });

});
