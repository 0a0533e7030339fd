import "server-only";
import { COMMENT_STATUSES, type CommentStatus, type SpamCheckRecord } from "@/db/schema";
import { statement, type Db } from "@/lib/db";

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
  history: QueueEvent[];
};

export type QueuePage = { rows: QueueRow[]; total: number; page: number; pageCount: number; perPage: number };

/** Live counts for the queue tabs (an index-only count per status). */
export function queueCounts(db: Db): Record<CommentStatus, number> {
  const counts = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as Record<CommentStatus, number>;
  const rows = statement(db, "select status, count(*) as n from comments indexed by comments_status_created_idx group by status").all() as {
    status: CommentStatus;
    n: number;
  }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The SQL of a queue view (exported for the query-plan test). */
export function buildQueueQuery(filter: QueueFilter): { countSql: string; pageSql: string; params: Record<string, unknown> } {
  const where: string[] = ["c.status = @status"];
  const params: Record<string, unknown> = { status: filter.status };
  if (filter.articleId) {
    where.push("c.article_id = @articleId");
    params.articleId = filter.articleId;
  }
  const q = filter.q?.trim();
  if (q) {
    params.q = q;
    if ([...q].length >= 3) {
      // The trigram index (migration 0005) finds substrings of 3+ characters
      // in the text, name and email; the IP is an exact match on its index.
      where.push(
        "c.id in (select rowid from comments_search where comments_search match @match union all select id from comments where ip = @q)",
      );
      params.match = `"${q.replace(/"/g, '""')}"`;
    } else {
      where.push("(c.content like @like escape '\\' or c.author_name like @like escape '\\' or c.author_email like @like escape '\\' or c.ip = @q)");
      params.like = `%${escapeLike(q)}%`;
    }
  }
  if (filter.reason && REASON_FILTERS[filter.reason]) {
    where.push("c.status_reason like @reason escape '\\'");
    params.reason = `${escapeLike(REASON_FILTERS[filter.reason].prefix)}%`;
  }
  const whereSql = where.join(" and ");
  // With an article, its own index; otherwise the status index, newest first.
  const index = filter.articleId ? "comments_article_status_created_idx" : "comments_status_created_idx";
  return {
    countSql: `select count(*) as n from comments c indexed by ${index} where ${whereSql}`,
    pageSql: `select c.id, c.article_id as articleId, a.slug as articleSlug, a.title as articleTitle, c.parent_id as parentId,
            c.user_id as userId, c.author_name as authorName, c.author_email as authorEmail, c.author_url as authorUrl,
            c.ip, c.content, c.status, c.status_reason as statusReason, c.spam_check_state as spamCheckState,
            c.blatant, json_extract(c.spam_check, '$.verdict') as akismetVerdict,
            c.next_spam_check_at as nextSpamCheckAt, c.created_at as createdAt
     from comments c indexed by ${index} join articles a on a.id = c.article_id
     where ${whereSql}
     order by c.created_at desc, c.id desc
     limit @limit offset @offset`,
    params,
  };
}

/** One page of a queue, newest first, with each comment's article and full history. */
export function queuePage(db: Db, filter: QueueFilter): QueuePage {
  const perPage = filter.perPage ?? QUEUE_PAGE_SIZE;
  const { countSql, pageSql, params } = buildQueueQuery(filter);
  const total = (statement(db, countSql).get(params) as { n: number }).n;
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  const raw = statement(db, pageSql).all({ ...params, limit: perPage, offset: (page - 1) * perPage }) as (Omit<
    QueueRow,
    "createdAt" | "nextSpamCheckAt" | "blatant" | "history"
  > & {
    createdAt: number;
    nextSpamCheckAt: number | null;
    blatant: number;
  })[];

  const history = new Map<number, QueueEvent[]>();
  if (raw.length > 0) {
    const events = statement(
      db,
      `select e.id, e.comment_id as commentId, e.type, e.message, u.name as actorName, e.from_status as fromStatus,
              e.to_status as toStatus, e.created_at as createdAt
       from comment_events e left join users u on u.id = e.actor_id
       where e.comment_id in (select value from json_each(@ids))
       order by e.comment_id, e.created_at, e.id`,
    ).all({ ids: JSON.stringify(raw.map((r) => r.id)) }) as (Omit<QueueEvent, "createdAt"> & { commentId: number; createdAt: number })[];
    for (const { commentId, ...e } of events) {
      const list = history.get(commentId) ?? [];
      list.push({ ...e, createdAt: new Date(e.createdAt) });
      history.set(commentId, list);
    }
  }
  const rows = raw.map((r) => ({
    ...r,
    blatant: r.blatant === 1,
    createdAt: new Date(r.createdAt),
    nextSpamCheckAt: r.nextSpamCheckAt === null ? null : new Date(r.nextSpamCheckAt),
    history: history.get(r.id) ?? [],
  }));
  return { rows, total, page, pageCount, perPage };
}
