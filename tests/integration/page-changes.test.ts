/**
 * The page cache's change log (migration 0011, lib/cache/invalidation.ts):
 * every change a reader of a cached page would see writes the tags of the
 * pages to expire, whatever code made it; changes nobody sees write nothing.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { articles, comments, editorReviews } from "@/db/schema";
import { changesSince, pageChangesPending, pruneChangeLog, CHANGE_LOG_RETENTION_MS } from "@/lib/cache/invalidation";
import { getDb, row, sql } from "@/lib/db";
import { applyModeration } from "@/lib/moderation/apply";
import { updateSettings } from "@/lib/settings";
import { updateAkismetStatus } from "@/lib/spam/status";
import { createArticle, createComment, createUser } from "../support/factories";

let mo = { id: 0, name: "Mo Moderator" };

beforeAll(async () => {
  mo = { id: (await createUser({ role: "moderator", name: "Mo Moderator" })).id, name: "Mo Moderator" };
});

async function latest(): Promise<number> {
  return Number((await row<{ id: number }>(getDb(), sql`select coalesce(max(id), 0) as id from page_changes`))!.id);
}

/** The tags written by `change`, sorted. */
async function tagsOf(change: () => unknown): Promise<string[]> {
  const before = await latest();
  await change();
  return (await changesSince(getDb(), before)).tags.sort();
}

describe("the page change log", () => {
  it("records a comment approved, unapproved, marked spam, trashed or deleted, on its article and the front page", async () => {
    const article = await createArticle();
    const page = [`article:${article.id}`, "front"];
    const held = await createComment(article.id, { status: "pending" });
    expect(await tagsOf(() => applyModeration(mo, "approve", [{ id: held.id, expected: "pending" }]))).toEqual(page);
    expect(await tagsOf(() => applyModeration(mo, "unapprove", [{ id: held.id, expected: "approved" }]))).toEqual(page);
    expect(await tagsOf(() => applyModeration(mo, "approve", [{ id: held.id, expected: "pending" }]))).toEqual(page);
    expect(await tagsOf(() => applyModeration(mo, "spam", [{ id: held.id, expected: "approved" }]))).toEqual(page);

    const shown = await createComment(article.id);
    expect(await tagsOf(() => applyModeration(mo, "trash", [{ id: shown.id, expected: "approved" }]))).toEqual(page);
    const another = await createComment(article.id);
    expect(await tagsOf(() => getDb().delete(comments).where(eq(comments.id, another.id)))).toEqual(page);
    // Posted approved (Akismet said ham): shown at once.
    expect(await tagsOf(() => createComment(article.id))).toEqual(page);
  });

  it("records nothing for comments readers never see", async () => {
    const article = await createArticle();
    expect(await tagsOf(() => createComment(article.id, { status: "pending" }))).toEqual([]);
    const spam = await createComment(article.id, { status: "spam" });
    expect(await tagsOf(() => applyModeration(mo, "trash", [{ id: spam.id, expected: "spam" }]))).toEqual([]);
    // A lease taken by the Akismet recheck job changes nothing a reader sees.
    const approved = await createComment(article.id);
    expect(
      await tagsOf(() => getDb().update(comments).set({ checkLeaseOwner: "runner", checkLeaseUntil: new Date() }).where(eq(comments.id, approved.id))),
    ).toEqual([]);
  });

  it("records a reply moved up when its held parent is deleted", async () => {
    const article = await createArticle();
    const parent = await createComment(article.id, { status: "spam" });
    await createComment(article.id, { parentId: parent.id });
    expect(await tagsOf(() => getDb().delete(comments).where(eq(comments.id, parent.id)))).toEqual([`article:${article.id}`, "front"]);
  });

  it("records an article edited, published or unpublished, under its old and new address", async () => {
    const article = await createArticle({ slug: "change-log-article" });
    const page = [`article:${article.id}`, "front", "slug:change-log-article"];
    expect(await tagsOf(() => getDb().update(articles).set({ title: "Edited" }).where(eq(articles.id, article.id)))).toEqual(page);
    expect(await tagsOf(() => getDb().update(articles).set({ status: "draft" }).where(eq(articles.id, article.id)))).toEqual(page);
    // Edits to a draft show nowhere.
    expect(await tagsOf(() => getDb().update(articles).set({ title: "Draft edit" }).where(eq(articles.id, article.id)))).toEqual([]);
    expect(
      await tagsOf(() => getDb().update(articles).set({ status: "published", slug: "change-log-moved" }).where(eq(articles.id, article.id))),
    ).toEqual([`article:${article.id}`, "front", "slug:change-log-article", "slug:change-log-moved"]);
  });

  it("records a review published or withdrawn on its article's page", async () => {
    const article = await createArticle();
    const write = async (status: "draft" | "published") =>
      await getDb()
        .insert(editorReviews)
        .values({ articleId: article.id, rating: 4, headline: "Fair", status, publishedAt: status === "published" ? new Date() : null })
        .onConflictDoUpdate({ target: editorReviews.articleId, set: { status } });
    expect(await tagsOf(() => write("draft"))).toEqual([]);
    expect(await tagsOf(() => write("published"))).toEqual([`article:${article.id}`]);
    expect(await tagsOf(() => write("draft"))).toEqual([`article:${article.id}`]);
  });

  it("records a setting change for every page, but not the Akismet status record", async () => {
    expect(await tagsOf(() => updateSettings({ threadDepth: 3 }))).toEqual(["site"]);
    expect(await tagsOf(() => updateAkismetStatus({ lastSuccessAt: new Date().toISOString() }))).toEqual([]);
  });

  it("is read from where a process left off, and pruned after the retention time", async () => {
    const article = await createArticle();
    const start = await latest();
    await createComment(article.id);
    const first = await changesSince(getDb(), start);
    expect(first.tags.sort()).toEqual([`article:${article.id}`, "front"]);
    expect(await changesSince(getDb(), first.lastId)).toEqual({ tags: [], lastId: first.lastId });
    expect(await pageChangesPending(getDb())).toBe(true); // this process has expired nothing yet
    expect(await pruneChangeLog(getDb(), Date.now() + CHANGE_LOG_RETENTION_MS + 1000)).toBeGreaterThan(0);
    expect(await latest()).toBe(0);
  });
});
