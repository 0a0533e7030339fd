/**
 * The database's own safety net for threads (decision 010), on both stores:
 * deleting one comment moves its replies up; deleting an article takes its
 * whole thread, replies included, without tripping over that net.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { articles, comments } from "@/db/schema";
import { execute, getDb, rows, sql, storeOf } from "@/lib/db";
import { createArticle, createComment } from "../support/factories";

describe(`thread deletes (${storeOf(getDb())})`, () => {
  it("a comment deleted with plain SQL leaves its replies, moved up to its parent", async () => {
    const article = await createArticle();
    const root = await createComment(article.id);
    const middle = await createComment(article.id, { parentId: root.id });
    const leaf = await createComment(article.id, { parentId: middle.id });
    await execute(getDb(), sql`delete from comments where id = ${middle.id}`);
    const left = await rows<{ id: number; parentId: number | null }>(
      getDb(),
      sql`select id, parent_id as "parentId" from comments where article_id = ${article.id} order by id`,
    );
    expect(left).toEqual([
      { id: root.id, parentId: null },
      { id: leaf.id, parentId: root.id },
    ]);
  });

  it("deleting an article deletes its whole thread", async () => {
    const article = await createArticle();
    const root = await createComment(article.id);
    const reply = await createComment(article.id, { parentId: root.id });
    await createComment(article.id, { parentId: reply.id });
    const other = await createArticle();
    const kept = await createComment(other.id);
    await getDb().delete(articles).where(eq(articles.id, article.id));
    expect(await getDb().$count(comments, eq(comments.articleId, article.id))).toBe(0);
    expect(await getDb().$count(comments, eq(comments.id, kept.id))).toBe(1);
  });
});
