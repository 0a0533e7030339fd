/**
 * The hot queries use their indexes on PostgreSQL: EXPLAIN (FORMAT JSON) of
 * the same queries query-plans.sqlite.test.ts checks on SQLite, on tables of
 * realistic size after ANALYZE, so the planner's own choice is what is
 * checked. Runs in the PostgreSQL pass only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SQL } from "drizzle-orm";
import { execute, getDb, sql, transaction, type Db } from "@/lib/db";
import { commenterQueries } from "@/lib/community/commenters";
import { featuredComments } from "@/lib/community/featured";
import { hasReported, reportedInArticle } from "@/lib/community/reports";
import { DAY_MS, spamStatsQuery } from "@/lib/moderation/stats";
import { outboxDueQuery } from "@/lib/jobs/feedback-outbox";
import { buildQueueQuery, buildReportedQuery, queueCountsQuery } from "@/lib/moderation/queue";
import { retentionBatchQuery } from "@/lib/jobs/retention";
import { LAST_CHECK_SQL } from "@/lib/spam/overview";
import { pgPlan, sqlOf } from "../support/plans";

// EXPLAIN QUERY PLAN and its wording are SQLite's; the PostgreSQL block below checks the same queries.

// PostgreSQL: EXPLAIN (FORMAT JSON) of the same hot queries, on a database
// seeded below to a realistic shape (40,000 comments, 190,000 events, 2,000
// articles, 10,000 outbox rows, ~7,500 reader reports) and then VACUUM ANALYZEd, so each check is
// the planner's own choice. Only the queue counts, a count of the whole
// table, are checked with enable_seqscan off (see there).
describe("hot queries use indexes (PostgreSQL)", () => {
  beforeAll(async () => {
    await seed();
    await execute(getDb(), sql`vacuum analyze`);
  }, 120_000);

  const plan = (query: Parameters<typeof pgPlan>[1], options?: Parameters<typeof pgPlan>[2]) => pgPlan(getDb(), query, options);

  it("a page of an article's top-level approved comments, in order, and the counts", async () => {
    // PostgreSQL cannot take the order from comments_article_status_parent_created_idx
    // when the condition on parent_id is `is null` (not an equality), so it
    // walks the article's approved comments in order on
    // comments_article_status_created_idx and skips the replies: no sort,
    // but replies are read too (SQLite seeks to the top-level ones).
    const page = await plan(
      sql`select * from comments where article_id = ${1} and status = 'approved' and parent_id is null order by created_at, id limit 50 offset 100`,
    );
    expect(page.indexes, page.text).toEqual(["comments_article_status_created_idx"]);
    expect(page.sorts, page.text).toBe(0);
    const count = await plan(sql`select count(*) from comments where article_id = ${1} and status = 'approved'`);
    expect(count.indexes, count.text).toEqual([expect.stringMatching(/^comments_article_status_(parent_)?created_idx$/)]);
    expect(count.seqScans, count.text).toEqual([]);
    const before = await plan(
      sql`select count(*) from comments where article_id = ${1} and status = 'approved' and parent_id is null and (created_at < ${NOW} or (created_at = ${NOW} and id < ${3}))`,
    );
    // (Or the partial index of the article's approved top-level comments, which holds
    // created_at and id too: an index-only scan of exactly the rows counted.)
    expect(before.indexes, before.text).toEqual([expect.stringMatching(/^comments_article_(status_(parent_)?created|respect_top)_idx$/)]);
    expect(before.seqScans, before.text).toEqual([]);
  });

  it("a page of an article's thread by Most respected, and which comments a reader respects", async () => {
    // A partial index (approved, top-level): the order comes from it, no sort.
    const page = await plan(
      sql`select * from comments where article_id = ${1} and status = 'approved' and parent_id is null order by respect_count desc, created_at, id limit 50 offset 100`,
    );
    expect(page.indexes, page.text).toEqual(["comments_article_respect_top_idx"]);
    expect(page.sorts, page.text).toBe(0);
    const mine = await plan(
      sql`select r.comment_id from comment_respects r join comments c on c.id = r.comment_id where r.user_id = ${1} and c.article_id = ${2}`,
    );
    expect(mine.seqScans, mine.text).toEqual([]);
    expect(mine.indexes, mine.text).toContain("comment_respects_user_comment_idx");
  });

  it("replies of a comment", async () => {
    const p = await plan(sql`select id from comments where parent_id = ${5}`);
    expect(p.indexes, p.text).toEqual(["comments_parent_idx"]);
  });

  it("the flood, duplicate and first-comment lookups of the pipeline", async () => {
    const ip = await plan(sql`select 1 from comments where ip_key = ${"10.1.1.1"} and created_at >= ${NOW - DAY_MS} limit 1`);
    expect(ip.indexes, ip.text).toEqual(["comments_ip_key_created_idx"]);
    const email = await plan(
      sql`select 1 from comments where author_email = ${"a@example.com"} and article_id = ${1} and content = ${"c"} and status != 'trash' limit 1`,
    );
    expect(email.indexes, email.text).toEqual(["comments_email_created_idx"]);
    const user = await plan(sql`select 1 from comments where user_id = ${1} and status = 'approved' limit 1`);
    expect(user.indexes, user.text).toEqual(["comments_user_created_idx"]);
  });

  it("the moderation queue counts", async () => {
    // Every row is counted (by status): the planner's own choice is a
    // sequential scan of the table, as cheap as any index at this size. The
    // check, planned with enable_seqscan off, is that an index answers the
    // count alone (an index-only scan, no table reads); PostgreSQL takes
    // whichever of the (…, status, …) indexes is smallest, not necessarily
    // the one SQLite is told to use. Since migration 0011 the commenter page's
    // (user_id | author_email, created_at, status) indexes carry the status too,
    // and comments_user_created_idx (a null user_id for guests) is as small as
    // any: which one wins depends on the table's churn.
    const counts = await plan(queueCountsQuery(getDb()), { noSeqScan: true });
    expect(counts.nodes.map((n) => n["Node Type"]), counts.text).toContain("Index Only Scan");
    expect(counts.indexes, counts.text).toEqual([expect.stringMatching(/^comments_((article_)?status|user|email)_created_idx$/)]);
  });

  it("a moderation queue page by status, newest first, and its count, with and without filters", async () => {
    const db = getDb();
    for (const filter of [{ status: "spam" as const }, { status: "pending" as const, q: "x", reason: "held" as const }, { status: "spam" as const, page: 20 }]) {
      const q = buildQueueQuery(db, filter, { limit: 50, offset: ((filter.page ?? 1) - 1) * 50 });
      const page = await plan(q.pageSql);
      expect(page.indexes, page.text).toContain("comments_status_created_idx");
      expect(page.seqScans, page.text).toEqual([]);
      expect(page.sorts, page.text).toBe(0);
      const count = await plan(q.countSql);
      expect(count.indexes, count.text).toEqual(["comments_status_created_idx"]);
      expect(count.seqScans, count.text).toEqual([]);
    }
    const byArticle = buildQueueQuery(db, { status: "approved", articleId: 1 });
    const page = await plan(byArticle.pageSql);
    expect(page.indexes, page.text).toContain("comments_article_status_created_idx");
    expect(page.sorts, page.text).toBe(0);
    const count = await plan(byArticle.countSql);
    expect(count.indexes, count.text).toEqual(["comments_article_status_created_idx"]);
  });

  it("the moderation search: text, name and email through the trigram index, the IP through its own", async () => {
    const search = buildQueueQuery(getDb(), { status: "spam", q: "needle" });
    for (const query of [search.pageSql, search.countSql]) {
      const p = await plan(query);
      expect(p.indexes, p.text).toContain("comments_search_trgm_idx");
      expect(p.indexes, p.text).toContain("comments_ip_created_idx");
      expect(p.seqScans, p.text).toEqual([]);
    }
  });

  it("the spam statistics: one range scan of comment_events by type and time", async () => {
    const p = await plan(spamStatsQuery(getDb(), NOW - 30 * DAY_MS, NOW));
    expect(p.indexes, p.text).toEqual(["comment_events_type_created_idx"]);
    expect(p.seqScans, p.text).toEqual([]);
  });

  it("the retry job's work list, the outbox's due reports and the retention batch (each locked as claimed)", async () => {
    const db = getDb();
    // The inner select of claimDueForRecheck (lib/comments/check-lease.ts).
    const recheck = await plan(
      sql`select id from comments where spam_check_state = 'not_checked' and status = 'pending' and next_spam_check_at is not null
            and next_spam_check_at <= ${NOW} and (check_lease_until is null or check_lease_until < ${NOW})
          order by next_spam_check_at limit ${25} for update skip locked`,
    );
    expect(recheck.indexes, recheck.text).toEqual(["comments_recheck_idx"]);
    expect(recheck.sorts, recheck.text).toBe(0);
    const outbox = await plan(outboxDueQuery(db, new Date(NOW), 25));
    expect(outbox.indexes, outbox.text).toEqual(["akismet_outbox_due_idx"]);
    expect(outbox.nodes.map((n) => n["Node Type"]), outbox.text).toContain("LockRows");
    const retention = await plan(retentionBatchQuery(db, { status: "spam", cutoff: NOW - 15 * DAY_MS, blatant: false, limit: 20 }));
    expect(retention.indexes, retention.text).toEqual(["comments_status_created_idx"]);
    expect(retention.sorts, retention.text).toBe(0);
  });

  it("the published article list and a slug lookup", async () => {
    const list = await plan(sql`select * from articles where status = 'published' order by published_at desc limit 50`);
    expect(list.indexes, list.text).toEqual(["articles_status_published_idx"]);
    expect(list.sorts, list.text).toBe(0);
    const slug = await plan(sql`select * from articles where slug = ${"a-7"}`);
    expect(slug.indexes, slug.text).toEqual(["articles_slug_unique"]);
  });

  it("the Akismet panel's figures", async () => {
    // NOT_CHECKED_SQL and LAST_CHECK_SQL of lib/spam/overview.ts, without SQLite's `indexed by`.
    const notChecked = await plan(sql`select count(*) as n, min(next_spam_check_at) as next from comments where spam_check_state = 'not_checked' and status = 'pending'`);
    expect(notChecked.indexes, notChecked.text).toEqual(["comments_recheck_idx"]);
    const lastCheck = await plan(sql.raw(LAST_CHECK_SQL));
    expect(lastCheck.indexes, lastCheck.text).toEqual(["comment_events_type_created_idx"]);
  });

  it("the commenter page: counts and recent share from the person's index alone, the latest name and the page on it", async () => {
    const db = getDb();
    for (const [subject, index] of [
      [{ kind: "account", userId: 1 }, "comments_user_created_idx"],
      [{ kind: "guest", email: "regular@example.com" }, "comments_email_created_idx"],
    ] as const) {
      const q = commenterQueries(db, subject, { since: NOW - 7 * DAY_MS });
      for (const query of [q.counts, q.recent]) {
        const p = await plan(query);
        expect(p.indexes, p.text).toEqual([index]);
        expect(p.nodes.map((n) => n["Node Type"]), p.text).toContain("Index Only Scan");
        expect(p.seqScans, p.text).toEqual([]);
      }
      const latest = await plan(q.latestName);
      expect(latest.indexes, latest.text).toEqual([index]);
      expect(latest.sorts, latest.text).toBe(0);
      // Page 1 takes its ids walking the index newest first (the id only breaks ties on
      // created_at: an Incremental Sort, the index is (…, created_at, status)), then reads
      // those rows and sorts the page's 50 alone: the only full Sort is over the page.
      const first = await plan(q.page);
      expect(first.indexes, first.text).toContain(index);
      expect(first.seqScans, first.text).not.toContain("comments");
      expect(first.nodes.filter((n) => n["Node Type"] === "Sort").every((n) => Number((n as Record<string, unknown>)["Plan Rows"]) <= 50), first.text).toBe(true);
      // Page 100 (offset 4,950) and one status: the planner may sort the person's
      // few rows (or join articles by hash), but reads comments through the index only.
      for (const query of [commenterQueries(db, subject, { since: 0, offset: 4_950 }).page, commenterQueries(db, subject, { since: 0, status: "spam" }).page]) {
        const p = await plan(query);
        expect(p.indexes, p.text).toContain(index);
        expect(p.seqScans, p.text).not.toContain("comments");
      }
    }
  });

  it("the Reported queue: its count from the partial index alone, its pages in the index's order", async () => {
    const db = getDb();
    const q = buildReportedQuery(db);
    const count = await plan(q.countSql);
    expect(count.indexes, count.text).toEqual(["comments_reported_idx"]);
    expect(count.nodes.map((n) => n["Node Type"]), count.text).toContain("Index Only Scan");
    const page = await plan(q.pageSql);
    expect(page.nodes.find((n) => n["Index Name"] === "comments_reported_idx")?.["Node Type"], page.text).toBe("Index Scan");
    expect(page.sorts, page.text).toBe(0);
    expect(page.seqScans, page.text).toEqual([]);
    // Page 50: past this seed's ~1,430 reported comments, so the planner reads them all
    // and may sort after a hash join; still one index scan of the partial index.
    const deep = await plan(buildReportedQuery(db, { limit: 50, offset: 2_450 }).pageSql);
    expect(deep.nodes.find((n) => n["Index Name"] === "comments_reported_idx")?.["Node Type"], deep.text).toBe("Index Scan");
    expect(deep.seqScans, deep.text).not.toContain("comments");
  });

  it("an article's featured comments, most recently featured first", async () => {
    // The ids break ties on featured_at: not in the index here (SQLite's rowid is),
    // so a sort of the article's few featured rows at most.
    const db = getDb();
    for (const articleId of [1, 51]) {
      const [query, ...more] = await sqlOf(db, () => featuredComments(articleId, db));
      expect(more).toEqual([]);
      const p = await plan(query!);
      expect(p.indexes, p.text).toEqual(["comments_article_featured_idx"]);
      expect(p.seqScans, p.text).toEqual([]);
    }
  });

  it("what an account reported on an article (its personal view), and whether it reported a comment", async () => {
    const db = getDb();
    const [mine] = await sqlOf(db, () => reportedInArticle(1, 2, db));
    const recent = await plan(mine!);
    expect(recent.indexes, recent.text).toContain("comment_reports_user_created_idx");
    expect(recent.seqScans, recent.text).toEqual([]);
    const [reported] = await sqlOf(db, () => hasReported(1, 13, db));
    const one = await plan(reported!);
    expect(one.indexes, one.text).toEqual(["comment_reports_comment_user_idx"]);
    expect(one.seqScans, one.text).toEqual([]);
  });

  it("a mailed link by its hash, a sign-on identity by issuer and subject, an account's held comments", async () => {
    const token = await plan(sql`select * from account_tokens where token_hash = ${"h"} and kind = ${"password_reset"}`);
    expect(token.indexes, token.text).toEqual(["account_tokens_hash_idx"]);
    const identity = await plan(
      sql`select i.user_id, u.banned from user_identities i join users u on u.id = i.user_id where i.issuer = ${"https://id.example.com"} and i.subject = ${"s"}`,
    );
    expect(identity.indexes, identity.text).toContain("user_identities_issuer_subject_idx");
    const held = await plan(sql`select id from comments where user_id = ${1} and status = 'pending'`);
    expect(held.seqScans, held.text).toEqual([]);
  });
});

const NOW = Date.UTC(2026, 2, 1);

async function seed() {
  // One transaction without the pool's statement timeout. The triggers are off
  // while seeding: a page_changes row per comment written, and an update of a
  // comment (and its trigram index) per respect or report, were most of the
  // work; no check reads page_changes, and the counts the triggers keep are
  // set below in one statement each (the triggers have their own tests).
  await transaction(getDb(), async (db) => {
  await execute(db, sql`set local statement_timeout = 0`);
  await execute(db, sql`alter table comments disable trigger page_changes_comments`);
  await execute(db, sql`alter table articles disable trigger page_changes_articles`);
  await execute(db, sql`alter table comment_respects disable trigger comment_respects_count`);
  await execute(db, sql`alter table comment_reports disable trigger comment_reports_count`);
  await execute(db, sql`insert into users (email, name, role) select 'u' || i || '@example.com', 'User ' || i, 'reader' from generate_series(1, 500) i`);
  await execute(
    db,
    sql`insert into articles (slug, title, status, published_at, created_at, updated_at)
        select 'a-' || i, 'Article ' || i, case when i % 10 = 0 then 'draft' else 'published' end, ${NOW}::bigint - i * 3600000::bigint, ${NOW}::bigint - i * 3600000::bigint, ${NOW}::bigint - i * 3600000::bigint
        from generate_series(1, 2000) i`,
  );
  // 40,000 comments (ids 1 to 40,000): a quarter on article 1 (a busy thread),
  // the rest spread; 70% approved, 15% spam, 10% pending, 5% trash; 2 in 5 are
  // replies (to the comment 4 before). Guests write once, but for a regular
  // (1 comment in 97, ~410, one address); 1 approved comment in 50 is featured
  // (~100 on article 1, ~20 on 40 others).
  await execute(
    db,
    sql`insert into comments (id, article_id, parent_id, user_id, author_name, author_email, content, status, status_reason, ip, ip_key, spam_check_state, next_spam_check_at, blatant, featured_at, created_at, updated_at)
        select i, case when i % 4 = 0 then 1 else 1 + (i % 2000) end,
               case when i % 5 in (1, 2) and i > 8 then i - 4 end,
               case when i % 5 = 0 then 1 + (i % 500) end,
               'Reader ' || i, case when i % 97 = 0 then 'regular@example.com' else 'reader' || i || '@example.com' end,
               'Comment ' || md5(i::text) || ' ' || md5((i * 7)::text),
               s.status,
               case s.status when 'spam' then 'Akismet: spam' when 'pending' then 'Held: a link' when 'trash' then 'Moderator: trashed' else 'Akismet: not spam' end,
               s.ip, s.ip,
               case when s.status = 'pending' and i % 37 = 0 then 'not_checked' else 'checked' end,
               case when s.status = 'pending' and i % 37 = 0 then ${NOW}::bigint + (i % 100) * 60000 end,
               s.status = 'spam' and i % 3 = 0,
               case when s.status = 'approved' and i % 50 = 0 then ${NOW}::bigint - i::bigint * 157000 + 60000 end,
               ${NOW}::bigint - i::bigint * 157000, ${NOW}::bigint - i::bigint * 157000
        from generate_series(1, 40000) i,
             lateral (select case when i % 20 < 14 then 'approved' when i % 20 < 17 then 'spam' when i % 20 < 19 then 'pending' else 'trash' end as status,
                             '10.' || (i % 200) || '.' || (i % 7) || '.' || (i % 250) as ip) s`,
  );
  await execute(db, sql`select setval('comments_id_seq', 40000)`);
  // Respects: readers' marks on a tenth of the approved comments (the triggers keep the counts).
  await execute(
    db,
    sql`insert into comment_respects (comment_id, user_id)
        select c.id, u.id from comments c join users u on u.id <= 1 + (c.id % 7)
        where c.status = 'approved' and c.id % 10 = 0`,
  );
  // Events of several kinds, over the 72 days of comments.
  await execute(
    db,
    sql`insert into comment_events (comment_id, type, message, to_status, created_at)
        select c.id, t.type, t.message, c.status, c.created_at + t.offset_ms
        from comments c,
             (values ('submitted', 'Submitted by guest', 0), ('akismet_check', 'Akismet: not spam', 1000), ('status_change', 'Akismet: not spam', 2000),
                     ('defence', 'Honeypot', 3000), ('akismet_feedback', 'Queued', 4000)) as t(type, message, offset_ms)
        where c.id % 5 <> 0 or t.type in ('submitted', 'status_change')`,
  );
  // Reports: 1 approved comment in 13 (~2,150) reported by 1 to 6 distinct readers (~7,500
  // rows; the triggers keep open_report_count), a third of them closed by a moderator.
  await execute(
    db,
    sql`insert into comment_reports (comment_id, user_id, reason, created_at, closed_at)
        select c.id, 1 + ((c.id + k * 37) % 500), 'offensive', c.created_at + k * 60000,
               case when c.id % 3 = 0 then c.created_at + k * 60000 + 3600000 end
        from comments c, generate_series(0, 5) k
        where c.status = 'approved' and c.id % 13 = 0 and k <= c.id % 6`,
  );
  await execute(
    db,
    sql`insert into akismet_outbox (comment_id, kind, params, state, next_attempt_at, created_at)
        select i, 'submit-spam', '{}'::jsonb, case when i % 100 = 0 then 'pending' else 'sent' end, ${NOW}::bigint - i * 60000::bigint, ${NOW}::bigint - i * 60000::bigint
        from generate_series(1, 10000) i`,
  );
  await execute(
    db,
    sql`update comments c set respect_count = r.n from (select comment_id, count(*) as n from comment_respects group by comment_id) r where c.id = r.comment_id`,
  );
  await execute(
    db,
    sql`update comments c set open_report_count = r.n
        from (select comment_id, count(*) as n from comment_reports where closed_at is null group by comment_id) r where c.id = r.comment_id`,
  );
  // Mailed links (10 per account) and sign-on identities (one per account).
  await execute(
    db,
    sql`insert into account_tokens (user_id, kind, token_hash, email, created_at, expires_at)
        select u.id, 'password_reset', md5(u.id || '-' || k) || md5(k || '-' || u.id), u.email, ${NOW}::bigint, ${NOW}::bigint + 3600000
        from users u, generate_series(1, 10) k`,
  );
  await execute(db, sql`insert into user_identities (user_id, issuer, subject, email) select id, 'https://id.example.com', 'subject-' || id, email from users`);
  await execute(db, sql`alter table comments enable trigger page_changes_comments`);
  await execute(db, sql`alter table comment_respects enable trigger comment_respects_count`);
  await execute(db, sql`alter table comment_reports enable trigger comment_reports_count`);
  await execute(db, sql`alter table articles enable trigger page_changes_articles`);
  });
}
