/**
 * A reply posted while its parent is being deleted (PostgreSQL: the two run
 * side by side). The reply waits for the delete, then is refused as "no
 * longer available", as it would be a moment later; never a 500 from the
 * foreign key. The PostgreSQL pass only: SQLite has one writer.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createArticle, createComment } from "../support/factories";
import { countComments, postComment } from "../support/comments";
import { updateSettings } from "@/lib/settings";

describe("a reply racing its parent's deletion (PostgreSQL)", () => {
  it("is refused with the field message once the delete commits", async () => {
    await updateSettings({ floodSeconds: 0 });
    const article = await createArticle();
    const parent = await createComment(article.id);
    const deleter = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await deleter.connect();
    try {
      await deleter.query("begin");
      await deleter.query("delete from comments where id = $1", [parent.id]);
      const before = await countComments();
      const reply = postComment(article, { content: "A reply to a comment being deleted", parentId: parent.id });
      await new Promise((r) => setTimeout(r, 200)); // the reply is now waiting on the parent's row
      await deleter.query("commit");
      expect(await reply).toMatchObject({
        ok: false,
        kind: "invalid",
        fieldErrors: { parentId: "The comment you are replying to is no longer available." },
      });
      expect(await countComments()).toBe(before - 1); // the parent gone, no reply stored
    } finally {
      await deleter.end();
    }
  });
});
