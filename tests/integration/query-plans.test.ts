import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { LAST_CHECK_SQL, NOT_CHECKED_SQL } from "@/lib/spam/overview";

/** The plan SQLite picks for a query, as one string of its detail lines. */
function plan(sql: string, ...params: unknown[]): string {
  const rows = getDb().$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
    detail: string;
  }[];
  return rows.map((r) => r.detail).join("\n");
}

describe("hot queries use indexes", () => {
  it("a page of an article's top-level approved comments, in order, and the counts", () => {
    const p = plan(
      "select * from comments where article_id = ? and status = 'approved' and parent_id is null order by created_at, id limit 50 offset 100",
      1,
    );
    expect(p).toContain("USING INDEX comments_article_status_parent_created_idx");
    expect(p).not.toContain("TEMP B-TREE");
    expect(plan("select count(*) from comments where article_id = ? and status = 'approved'", 1)).toMatch(
      /USING COVERING INDEX comments_article_status_(parent_)?created_idx \(article_id=\? AND status=\?\)/,
    );
    expect(
      plan("select count(*) from comments where article_id = ? and status = 'approved' and parent_id is null and (created_at < ? or (created_at = ? and id < ?))", 1, 2, 2, 3),
    ).toContain("USING COVERING INDEX comments_article_status_parent_created_idx");
  });

  it("replies of a comment", () => {
    expect(plan("select id from comments where parent_id = ?", 1)).toContain("USING COVERING INDEX comments_parent_idx");
  });

  it("the flood, duplicate and first-comment lookups of the pipeline", () => {
    expect(plan("select 1 from comments indexed by comments_ip_created_idx where ip = ? and created_at >= ? limit 1", "x", 1)).toContain(
      "USING COVERING INDEX comments_ip_created_idx",
    );
    expect(
      plan("select 1 from comments indexed by comments_email_created_idx where author_email = ? and article_id = ? and content = ? and status != 'trash' limit 1", "a", 1, "c"),
    ).toContain("USING INDEX comments_email_created_idx (author_email=?)");
    expect(plan("select 1 from comments indexed by comments_user_created_idx where user_id = ? and status = 'approved' limit 1", 1)).toContain(
      "USING INDEX comments_user_created_idx (user_id=?)",
    );
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

  it("the Akismet panel's figures", () => {
    expect(plan(NOT_CHECKED_SQL)).toContain("USING COVERING INDEX comments_recheck_idx");
    expect(plan(LAST_CHECK_SQL)).toContain("USING COVERING INDEX comment_events_type_created_idx (type=?)");
  });
});
