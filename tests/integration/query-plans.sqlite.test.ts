/**
 * The hot queries use their indexes on SQLite: EXPLAIN QUERY PLAN (with the
 * `indexed by` hints the code gives). query-plans.pg.test.ts checks the same
 * queries on PostgreSQL (the PostgreSQL pass only).
 */
import { describe, expect, it } from "vitest";
import { getDb, sql } from "@/lib/db";
import { outboxDueQuery } from "@/lib/jobs/feedback-outbox";
import { LAST_CHECK_SQL, NOT_CHECKED_SQL } from "@/lib/spam/overview";
import { sqlitePlan } from "../support/plans";


describe("hot queries use indexes (SQLite)", () => {
  const plan = (query: Parameters<typeof sqlitePlan>[1]) => sqlitePlan(getDb(), query);

  it("a page of an article's top-level approved comments, in order, and the counts", async () => {
    const p = await plan(
      sql`select * from comments where article_id = ${1} and status = 'approved' and parent_id is null order by created_at, id limit 50 offset 100`,
    );
    expect(p).toContain("USING INDEX comments_article_status_parent_created_idx");
    expect(p).not.toContain("TEMP B-TREE");
    expect(await plan(sql`select count(*) from comments where article_id = ${1} and status = 'approved'`)).toMatch(
      /USING COVERING INDEX comments_article_status_(parent_)?created_idx \(article_id=\? AND status=\?\)/,
    );
    expect(
      await plan(
        sql`select count(*) from comments where article_id = ${1} and status = 'approved' and parent_id is null and (created_at < ${2} or (created_at = ${2} and id < ${3}))`,
      ),
    ).toContain("USING COVERING INDEX comments_article_status_parent_created_idx");
  });

  it("a page of an article's thread by Most respected, and which comments a reader respects", async () => {
    const p = await plan(
      sql`select * from comments where article_id = ${1} and status = 'approved' and parent_id is null order by respect_count desc, created_at, id limit 50 offset 100`,
    );
    expect(p).toContain("USING INDEX comments_article_respect_top_idx (article_id=?)");
    expect(p).not.toContain("TEMP B-TREE");
    const mine = await plan(
      sql`select r.comment_id from comment_respects r join comments c on c.id = r.comment_id where r.user_id = ${1} and c.article_id = ${2}`,
    );
    expect(mine).toContain("USING COVERING INDEX comment_respects_user_comment_idx (user_id=?)");
    expect(mine).toMatch(/SEARCH c USING INTEGER PRIMARY KEY/);
  });

  it("replies of a comment", async () => {
    expect(await plan(sql`select id from comments where parent_id = ${1}`)).toContain("USING COVERING INDEX comments_parent_idx");
  });

  it("the flood, duplicate and first-comment lookups of the pipeline", async () => {
    expect(await plan(sql`select 1 from comments indexed by comments_ip_key_created_idx where ip_key = ${"x"} and created_at >= ${1} limit 1`)).toContain(
      "USING COVERING INDEX comments_ip_key_created_idx",
    );
    expect(
      await plan(
        sql`select 1 from comments indexed by comments_email_created_idx where author_email = ${"a"} and article_id = ${1} and content = ${"c"} and status != 'trash' limit 1`,
      ),
    ).toContain("USING INDEX comments_email_created_idx (author_email=?)");
    expect(await plan(sql`select 1 from comments indexed by comments_user_created_idx where user_id = ${1} and status = 'approved' limit 1`)).toContain(
      "USING COVERING INDEX comments_user_created_idx (user_id=?)",
    );
  });

  it("a moderation queue by status, newest first, and its count", async () => {
    const queue = await plan(sql`select * from comments where status = 'pending' order by created_at desc, id desc limit 50`);
    expect(queue).toContain("USING INDEX comments_status_created_idx");
    expect(queue).not.toContain("TEMP B-TREE");
    expect(await plan(sql`select count(*) from comments where status = 'spam'`)).toContain("USING COVERING INDEX comments_status_created_idx");
  });

  it("the published article list and a slug lookup", async () => {
    expect(await plan(sql`select * from articles where status = 'published' order by published_at desc limit 50`)).toContain(
      "USING INDEX articles_status_published_idx",
    );
    expect(await plan(sql`select * from articles where slug = ${"x"}`)).toContain("USING INDEX articles_slug_unique");
  });

  it("the outbox's due reports", async () => {
    expect(await plan(outboxDueQuery(getDb(), new Date(), 25))).toContain("USING INDEX akismet_outbox_due_idx (next_attempt_at<?)");
  });

  it("the Akismet panel's figures", async () => {
    expect(await plan(sql.raw(NOT_CHECKED_SQL))).toContain("USING COVERING INDEX comments_recheck_idx");
    expect(await plan(sql.raw(LAST_CHECK_SQL))).toContain("USING COVERING INDEX comment_events_type_created_idx (type=?)");
  });
});
