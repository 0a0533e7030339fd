/**
 * The hot queries use their indexes on SQLite: EXPLAIN QUERY PLAN (with the
 * `indexed by` hints the code gives). query-plans.pg.test.ts checks the same
 * queries on PostgreSQL (the PostgreSQL pass only).
 */
import { describe, expect, it } from "vitest";
import type { SQL } from "drizzle-orm";
import { getDb, sql, type Db } from "@/lib/db";
import { commenterQueries } from "@/lib/community/commenters";
import { featuredComments } from "@/lib/community/featured";
import { hasReported, reportedInArticle } from "@/lib/community/reports";
import { respectedInArticle } from "@/lib/comments/respect";
import { outboxDueQuery } from "@/lib/jobs/feedback-outbox";
import { buildReportedQuery } from "@/lib/moderation/queue";
import { LAST_CHECK_SQL, NOT_CHECKED_SQL } from "@/lib/spam/overview";
import { sqlOf, sqlitePlan } from "../support/plans";

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

  it("the commenter page: counts, recent share and latest name covered by the person's index; the page in its order", async () => {
    const db = getDb();
    for (const [subject, index, key] of [
      [{ kind: "account", userId: 1 }, "comments_user_created_idx", "user_id"],
      [{ kind: "guest", email: "reader@example.com" }, "comments_email_created_idx", "author_email"],
    ] as const) {
      // Page 100 (offset 4,950), and a page of one status.
      const q = commenterQueries(db, subject, { since: 1, offset: 4_950 });
      expect(await plan(q.counts)).toContain(`SEARCH c USING COVERING INDEX ${index} (${key}=?)`);
      expect(await plan(q.recent)).toContain(`SEARCH c USING COVERING INDEX ${index} (${key}=? AND created_at>?)`);
      const latest = await plan(q.latestName);
      expect(latest).toContain(`SEARCH c USING INDEX ${index} (${key}=?)`);
      // The time order comes from the index: (…, created_at, status) puts the status
      // between the time and the rowid, so only ties on created_at are sorted by id
      // ("LAST TERM OF ORDER BY"), never the person's whole list.
      expect(latest).not.toMatch(/TEMP B-TREE FOR (ORDER BY|RIGHT PART|LAST 2)/);
      for (const query of [q.page, commenterQueries(db, subject, { since: 1, status: "spam" }).page]) {
        const p = await plan(query);
        // The page's ids from the index alone (a deep page skips index entries, not rows),
        // then those rows by id; only the page's 50 rows are sorted at the end.
        expect(p).toContain(`SEARCH c USING COVERING INDEX ${index} (${key}=?)`);
        expect(p).toContain("SEARCH o USING INTEGER PRIMARY KEY (rowid=?)");
        expect(p).not.toMatch(/TEMP B-TREE FOR (RIGHT PART|LAST 2)/);
        expect(p).not.toMatch(/SCAN (c|o)\b/);
      }
    }
  });

  it("the Reported queue: count and page, most reported first, on its partial index", async () => {
    const db = getDb();
    for (const offset of [0, 2_450]) {
      const q = buildReportedQuery(db, { limit: 50, offset });
      expect(await plan(q.countSql)).toContain("SEARCH c USING COVERING INDEX comments_reported_idx (open_report_count>?)");
      const p = await plan(q.pageSql);
      expect(p).toContain("SEARCH c USING INDEX comments_reported_idx (open_report_count>?)");
      expect(p).not.toContain("TEMP B-TREE");
      expect(p).not.toMatch(/SCAN c\b/);
    }
  });

  it("an article's featured comments, most recently featured first", async () => {
    const db = getDb();
    const [query, ...more] = await sqlOf(db, () => featuredComments(1, db));
    expect(more).toEqual([]);
    const p = await plan(query!);
    expect(p).toContain("USING INDEX comments_article_featured_idx (article_id=? AND featured_at>?)");
    expect(p).not.toContain("TEMP B-TREE");
  });

  it("what an account reported and respected on an article (its personal view), and whether it reported a comment", async () => {
    const db = getDb();
    // From the reader's own rows, never the article's comments (a busy thread has thousands).
    const [mine] = await sqlOf(db, () => reportedInArticle(1, 2, db));
    const minePlan = await plan(mine!);
    expect(minePlan).toMatch(/SEARCH r USING (COVERING )?INDEX comment_reports_user_created_idx \(user_id=\?\)/);
    expect(minePlan).toContain("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)");
    const [respected] = await sqlOf(db, () => respectedInArticle(1, 2, db));
    const respectedPlan = await plan(respected!);
    expect(respectedPlan).toMatch(/SEARCH r USING (COVERING )?INDEX comment_respects_user_comment_idx \(user_id=\?\)/);
    expect(respectedPlan).toContain("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)");
    const [reported] = await sqlOf(db, () => hasReported(1, 2, db));
    expect(await plan(reported!)).toContain("USING COVERING INDEX comment_reports_comment_user_idx (comment_id=? AND user_id=?)");
  });

  it("a mailed link by its hash, a sign-on identity by issuer and subject, an account's held comments", async () => {
    expect(await plan(sql`select * from account_tokens where token_hash = ${"h"} and kind = ${"password_reset"}`)).toContain("USING INDEX account_tokens_hash_idx (token_hash=?)");
    const identity = await plan(
      sql`select i.user_id, u.banned from user_identities i join users u on u.id = i.user_id where i.issuer = ${"https://id.example.com"} and i.subject = ${"s"}`,
    );
    expect(identity).toContain("USING INDEX user_identities_issuer_subject_idx (issuer=? AND subject=?)");
    expect(await plan(sql`select id from comments where user_id = ${1} and status = 'pending'`)).toMatch(/USING (COVERING )?INDEX comments_user_created_idx \(user_id=\?\)/);
  });
});
