import "server-only";
import { COMMENT_STATUSES, type CommentStatus, type SpamCheckRecord } from "@/db/schema";
import type { SQL } from "drizzle-orm";
import { getDb, row, rows, sql, type Db } from "@/lib/db";
import { bool, commentSearch, ilike, inIds, indexedBy, jsonText, likeEscape } from "@/lib/db/dialect";

export const QUEUE_PAGE_SIZE = 50;

/** The "why" filters: each matches the start of a comment's status reason. */
export const REASON_FILTERS = {
  akismet: { label: "Akismet", prefix: "Akismet" },
  not_checked: { label: "Not checked", prefix: "Not checked" },
  held: { label: "Held by a rule", prefix: "Held" },
  block_list: { label: "Block list", prefix: "Block list" },
  honeypot: { label: "Honeypot", prefix: "Honeypot" },
  moderator: { label: "Moderator", prefix: "Moderator" },
} as const;
export type ReasonFilter = keyof typeof REASON_FILTERS;

export type QueueFilter = {
  status: CommentStatus;
  page?: number;
  articleId?: number | null;
  /** Matched in the text, author name, email (substring) and IP (exact). */
  q?: string | null;
  reason?: ReasonFilter | null;
  perPage?: number;
};

export type QueueEvent = {
  id: number;
  type: string;
  message: string;
  actorName: string | null;
  fromStatus: CommentStatus | null;
  toStatus: CommentStatus | null;
  createdAt: Date;
};

export type QueueRow = {
  id: number;
  articleId: number;
  articleSlug: string;
  articleTitle: string;
  parentId: number | null;
  userId: number | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  ip: string;
  content: string;
  status: CommentStatus;
  statusReason: string;
  spamCheckState: string;
  blatant: boolean;
  akismetVerdict: SpamCheckRecord["verdict"] | null;
  nextSpamCheckAt: Date | null;
  createdAt: Date;
  /** Featured by a moderator. */
  featured: boolean;
  /** Readers' reports not reviewed yet. */
  openReports: number;
  history: QueueEvent[];
};

export type QueuePage = { rows: QueueRow[]; total: number; page: number; pageCount: number; perPage: number };

/** Live counts for the queue tabs (an index-only count per status). */
export async function queueCounts(db: Db = getDb()): Promise<Record<CommentStatus, number>> {
  const counts = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as Record<CommentStatus, number>;
  for (const r of await rows<{ status: CommentStatus; n: number | string }>(db, queueCountsQuery(db))) counts[r.status] = Number(r.n);
  return counts;
}

/** The SQL of the queue counts (exported for the query-plan tests). */
export function queueCountsQuery(db: Db): SQL {
  return sql`select status, count(*) as n from comments ${indexedBy(db, "comments_status_created_idx")} group by status`;
}

/**
 * The SQL of a queue view: its count, and the page at `limit`/`offset`
 * (exported for the query-plan tests and the bench).
 */
export function buildQueueQuery(db: Db, filter: QueueFilter, { limit = QUEUE_PAGE_SIZE, offset = 0 }: { limit?: number; offset?: number } = {}): { countSql: SQL; pageSql: SQL } {
  const where: SQL[] = [sql`c.status = ${filter.status}`];
  if (filter.articleId) where.push(sql`c.article_id = ${filter.articleId}`);
  const q = filter.q?.trim();
  if (q) {
    if ([...q].length >= 3) {
      // The trigram index (SQLite: the FTS5 table of migration 0005;
      // PostgreSQL: pg_trgm) finds substrings of 3+ characters in the text,
      // name and email; the IP is an exact match on its index.
      where.push(sql`c.id in (${commentSearch(db, q)} union all select id from comments where ip = ${q})`);
    } else {
      const like = `%${likeEscape(q)}%`;
      where.push(sql`(${ilike(db, sql`c.content`, like)} or ${ilike(db, sql`c.author_name`, like)} or ${ilike(db, sql`c.author_email`, like)} or c.ip = ${q})`);
    }
  }
  if (filter.reason && REASON_FILTERS[filter.reason]) {
    where.push(ilike(db, sql`c.status_reason`, `${likeEscape(REASON_FILTERS[filter.reason].prefix)}%`));
  }
  const whereSql = sql.join(where, sql` and `);
  // With an article, its own index; otherwise the status index, newest first.
  const index = indexedBy(db, filter.articleId ? "comments_article_status_created_idx" : "comments_status_created_idx");
  return {
    countSql: sql`select count(*) as n from comments c ${index} where ${whereSql}`,
    pageSql: sql`select c.id, c.article_id as "articleId", a.slug as "articleSlug", a.title as "articleTitle", c.parent_id as "parentId",
            c.user_id as "userId", c.author_name as "authorName", c.author_email as "authorEmail", c.author_url as "authorUrl",
            c.ip, c.content, c.status, c.status_reason as "statusReason", c.spam_check_state as "spamCheckState",
            c.blatant, ${jsonText(db, sql`c.spam_check`, "verdict")} as "akismetVerdict",
            c.next_spam_check_at as "nextSpamCheckAt", c.created_at as "createdAt", ${EXTRA_COLUMNS}
     from comments c ${index} join articles a on a.id = c.article_id
     where ${whereSql}
     order by c.created_at desc, c.id desc
     limit ${limit} offset ${offset}`,
  };
}

const ROW_COLUMNS = sql`c.id, c.article_id as "articleId", a.slug as "articleSlug", a.title as "articleTitle", c.parent_id as "parentId",
            c.user_id as "userId", c.author_name as "authorName", c.author_email as "authorEmail", c.author_url as "authorUrl",
            c.ip, c.content, c.status, c.status_reason as "statusReason", c.spam_check_state as "spamCheckState",
            c.blatant, c.next_spam_check_at as "nextSpamCheckAt", c.created_at as "createdAt"`;
const EXTRA_COLUMNS = sql`case when c.featured_at is null then 0 else 1 end as featured, c.open_report_count as "openReports"`;

type RawQueueRow = Omit<QueueRow, "createdAt" | "nextSpamCheckAt" | "blatant" | "history" | "featured" | "openReports"> & {
  createdAt: number;
  nextSpamCheckAt: number | null;
  blatant: unknown;
  featured: unknown;
  openReports: number | string;
};

/** One page of a queue, newest first, with each comment's article and full history. */
export async function queuePage(filter: QueueFilter, db: Db = getDb()): Promise<QueuePage> {
  const perPage = filter.perPage ?? QUEUE_PAGE_SIZE;
  const total = Number((await row<{ n: number | string }>(db, buildQueueQuery(db, filter).countSql))?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  const { pageSql } = buildQueueQuery(db, filter, { limit: perPage, offset: (page - 1) * perPage });
  const raw = await rows<RawQueueRow>(db, pageSql);
  return { rows: await withHistory(db, raw), total, page, pageCount, perPage };
}

/** The SQL of the Reported queue: its count, and a page, most reported first (one partial index; exported for the query-plan tests and the bench). */
export function buildReportedQuery(db: Db, { limit = QUEUE_PAGE_SIZE, offset = 0 }: { limit?: number; offset?: number } = {}): { countSql: SQL; pageSql: SQL } {
  const index = indexedBy(db, "comments_reported_idx");
  const where = sql`c.status = 'approved' and c.open_report_count > 0`;
  return {
    countSql: sql`select count(*) as n from comments c ${index} where ${where}`,
    pageSql: sql`select ${ROW_COLUMNS}, ${jsonText(db, sql`c.spam_check`, "verdict")} as "akismetVerdict", ${EXTRA_COLUMNS}
     from comments c ${index} join articles a on a.id = c.article_id
     where ${where}
     order by c.open_report_count desc, c.id
     limit ${limit} offset ${offset}`,
  };
}

/** Published comments with reports not yet reviewed (the Reported tab's count). */
export async function reportedCount(db: Db = getDb()): Promise<number> {
  return Number((await row<{ n: number | string }>(db, buildReportedQuery(db).countSql))?.n ?? 0);
}

/** A page of the Reported queue, most reported first, each with its history (its reports come from lib/community/reports.ts). */
export async function reportedPage({ page: requested = 1, perPage = QUEUE_PAGE_SIZE }: { page?: number; perPage?: number } = {}, db: Db = getDb()): Promise<QueuePage> {
  const total = await reportedCount(db);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(Math.max(1, requested), pageCount);
  const raw = await rows<RawQueueRow>(db, buildReportedQuery(db, { limit: perPage, offset: (page - 1) * perPage }).pageSql);
  return { rows: await withHistory(db, raw), total, page, pageCount, perPage };
}

async function withHistory(db: Db, raw: RawQueueRow[]): Promise<QueueRow[]> {

  const history = new Map<number, QueueEvent[]>();
  if (raw.length > 0) {
    const events = await rows<Omit<QueueEvent, "createdAt"> & { commentId: number; createdAt: number }>(
      db,
      sql`select e.id, e.comment_id as "commentId", e.type, e.message, u.name as "actorName", e.from_status as "fromStatus",
              e.to_status as "toStatus", e.created_at as "createdAt"
       from comment_events e left join users u on u.id = e.actor_id
       where ${inIds(db, sql`e.comment_id`, raw.map((r) => r.id))}
       order by e.comment_id, e.created_at, e.id`,
    );
    for (const { commentId, ...e } of events) {
      const list = history.get(commentId) ?? [];
      list.push({ ...e, createdAt: new Date(Number(e.createdAt)) });
      history.set(commentId, list);
    }
  }
  return raw.map((r) => ({
    ...r,
    blatant: bool(r.blatant),
    featured: bool(r.featured),
    openReports: Number(r.openReports),
    createdAt: new Date(Number(r.createdAt)),
    nextSpamCheckAt: r.nextSpamCheckAt === null ? null : new Date(Number(r.nextSpamCheckAt)),
    history: history.get(r.id) ?? [],
  }));
}
