import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";

/** The plan SQLite picks for a query, as one string of its detail lines. */
function plan(sql: string, ...params: unknown[]): string {
  const rows = getDb().$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
    detail: string;
  }[];
  return rows.map((r) => r.detail).join("\n");
}

describe("hot queries use indexes", () => {
  it("an article's approved comments in order", () => {
    const p = plan(
      "select * from comments where article_id = ? and status = 'approved' order by created_at, id limit 50",
      1,
    );
    expect(p).toContain("USING INDEX comments_article_status_created_idx");
    expect(p).not.toContain("TEMP B-TREE");
  });

  it("a moderation queue by status, newest first, and its count", () => {
    const queue = plan(
      "select * from comments where status = 'pending' order by created_at desc, id desc limit 50",
    );
    expect(queue).toContain("USING INDEX comments_status_created_idx");
    expect(queue).not.toContain("TEMP B-TREE");
    expect(plan("select count(*) from comments where status = 'spam'")).toContain(
      "USING COVERING INDEX comments_status_created_idx",
    );
  });

  it("the published article list and a slug lookup", () => {
    expect(
      plan("select * from articles where status = 'published' order by published_at desc limit 50"),
    ).toContain("USING INDEX articles_status_published_idx");
    expect(plan("select * from articles where slug = ?", "x")).toContain(
      "USING INDEX articles_slug_unique",
    );
  });
});
