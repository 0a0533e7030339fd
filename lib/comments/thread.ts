import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { comments, type CommentStatus } from "@/db/schema";
import { statement, type Db } from "@/lib/db";

export type ThreadComment = {
  id: number;
  parentId: number | null;
  authorName: string;
  authorUrl: string;
  authorEmail: string;
  content: string;
  status: CommentStatus;
  createdAt: Date;
};

export type ThreadNode = ThreadComment & {
  depth: number;
  /** Held or spam, shown only to its author. */
  awaitingModeration: boolean;
  children: ThreadNode[];
};

export type ThreadPage = {
  roots: ThreadNode[];
  page: number;
  pageCount: number;
  perPage: number;
};

const columns = {
  id: comments.id,
  parentId: comments.parentId,
  authorName: comments.authorName,
  authorUrl: comments.authorUrl,
  authorEmail: comments.authorEmail,
  content: comments.content,
  status: comments.status,
  createdAt: comments.createdAt,
};

/** Depth of a comment in its thread: 1 for a top-level comment. */
export function commentDepth(db: Db, commentId: number): number {
  const row = statement(
      db,
      `with recursive up(id, parent_id, depth) as (
         select id, parent_id, 1 from comments where id = ?
         union all
         select c.id, c.parent_id, up.depth + 1 from comments c join up on c.id = up.parent_id
         where up.depth < 100
       )
       select max(depth) as depth from up`,
    ).get(commentId) as { depth: number | null };
  return row.depth ?? 0;
}

/** The top-level comment a comment belongs to. */
function rootOf(db: Db, commentId: number): { id: number; status: CommentStatus; createdAt: number } | null {
  return (
    (statement(
        db,
        `with recursive up(id, parent_id, status, created_at, depth) as (
           select id, parent_id, status, created_at, 1 from comments where id = ?
           union all
           select c.id, c.parent_id, c.status, c.created_at, up.depth + 1 from comments c join up on c.id = up.parent_id
           where up.depth < 100
         )
         select id, status, created_at as createdAt from up where parent_id is null`,
      ).get(commentId) as { id: number; status: CommentStatus; createdAt: number } | undefined) ?? null
  );
}

/** How many pages an article's thread has (at least one). */
export function threadPageCount(db: Db, articleId: number, perPage: number): number {
  return Math.max(1, Math.ceil(countTopLevelApproved(db, articleId) / perPage));
}

function countTopLevelApproved(db: Db, articleId: number): number {
  const row = statement(
    db,
    "select count(*) as n from comments where article_id = ? and status = 'approved' and parent_id is null",
  ).get(articleId) as { n: number };
  return row.n;
}

/** Which page of the thread a comment is on (its top-level comment decides). */
export function pageOfComment(db: Db, articleId: number, commentId: number, perPage: number): number {
  const root = rootOf(db, commentId);
  const lastPage = Math.max(1, Math.ceil(countTopLevelApproved(db, articleId) / perPage));
  if (!root || root.status !== "approved") return lastPage;
  const before = statement(
      db,
      `select count(*) as n from comments
       where article_id = ? and status = 'approved' and parent_id is null
         and (created_at < ? or (created_at = ? and id < ?))`,
    ).get(articleId, root.createdAt, root.createdAt, root.id) as { n: number };
  return Math.floor(before.n / perPage) + 1;
}

/**
 * One page of an article's thread: approved top-level comments oldest first,
 * each with all its approved replies (threads stay whole), plus the viewer's
 * own held comments (`ownIds`), which only they see. The viewer's held
 * top-level comments are shown on the last page, where new comments appear.
 */
export function getThreadPage(
  db: Db,
  articleId: number,
  { page: requested, perPage, ownIds = [] }: { page?: number; perPage: number; ownIds?: number[] },
): ThreadPage {
  const pageCount = threadPageCount(db, articleId, perPage);
  const page = Math.min(Math.max(1, Math.floor(requested ?? 1) || 1), pageCount);
  const own = ownIds.filter((id) => Number.isSafeInteger(id) && id > 0).slice(0, 100);

  const roots = db
    .select(columns)
    .from(comments)
    .where(and(eq(comments.articleId, articleId), isNull(comments.parentId), eq(comments.status, "approved")))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  if (page === pageCount && own.length > 0) {
    roots.push(
      ...db
        .select(columns)
        .from(comments)
        .where(
          and(
            eq(comments.articleId, articleId),
            isNull(comments.parentId),
            inArray(comments.id, own),
            inArray(comments.status, ["pending", "spam"]),
          ),
        )
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .all(),
    );
    roots.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  }

  const replies: ThreadComment[] = [];
  if (roots.length > 0) {
    const rows = statement(
        db,
        `with recursive replies(id) as (
           select c.id from comments c
           where c.parent_id in (select value from json_each(@roots))
             and (c.status = 'approved' or (c.id in (select value from json_each(@own)) and c.status in ('pending','spam')))
           union all
           select c.id from comments c join replies r on c.parent_id = r.id
           where c.status = 'approved' or (c.id in (select value from json_each(@own)) and c.status in ('pending','spam'))
         )
         select c.id, c.parent_id as parentId, c.author_name as authorName, c.author_url as authorUrl,
                c.author_email as authorEmail, c.content, c.status, c.created_at as createdAt
         from comments c join replies r on r.id = c.id
         order by c.created_at, c.id`,
      ).all({ roots: JSON.stringify(roots.map((r) => r.id)), own: JSON.stringify(own) }) as (Omit<ThreadComment, "createdAt"> & { createdAt: number })[];
    for (const r of rows) replies.push({ ...r, createdAt: new Date(r.createdAt) });
  }
  return { roots: buildTree(roots, replies), page, pageCount, perPage };
}

/** Nests replies under their parents, oldest first at every level. */
export function buildTree(roots: ThreadComment[], replies: ThreadComment[]): ThreadNode[] {
  const byParent = new Map<number, ThreadComment[]>();
  for (const r of replies) {
    if (r.parentId === null) continue;
    const list = byParent.get(r.parentId) ?? [];
    list.push(r);
    byParent.set(r.parentId, list);
  }
  const build = (c: ThreadComment, depth: number): ThreadNode => ({
    ...c,
    depth,
    awaitingModeration: c.status !== "approved",
    children: (byParent.get(c.id) ?? [])
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
      .map((child) => build(child, depth + 1)),
  });
  return roots.map((r) => build(r, 1));
}

