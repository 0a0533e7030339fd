import "server-only";
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { comments, type CommentStatus } from "@/db/schema";
import { getDb, row, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { getSettings } from "@/lib/settings";
import { newCommentsPage, pageCountFor, pageOfPosition, type CommentOrder, type SiteCommentOrder } from "./order";

export type ThreadComment = {
  id: number;
  parentId: number | null;
  authorName: string;
  authorUrl: string;
  authorEmail: string;
  content: string;
  status: CommentStatus;
  createdAt: Date;
  /** When its author last edited it, or null. */
  editedAt?: Date | null;
  /** How many readers respect it. */
  respectCount: number;
  /** The account that wrote it (null: a guest). */
  userId?: number | null;
  /** Featured by a moderator (it carries `Featured`). */
  featuredAt?: Date | null;
  /** Written by an editor, moderator or admin account (it carries `Staff`); set by `markStaff`. */
  staff?: boolean;
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
  /** The order of the top-level comments (replies are always oldest first). */
  order: CommentOrder;
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
  editedAt: comments.editedAt,
  respectCount: comments.respectCount,
  userId: comments.userId,
  featuredAt: comments.featuredAt,
};

/** Depth of a comment in its thread: 1 for a top-level comment. */
export async function commentDepth(db: Db, commentId: number): Promise<number> {
  const found = await row<{ depth: number | null }>(
    db,
    sql`with recursive up(id, parent_id, depth) as (
          select id, parent_id, 1 from comments where id = ${commentId}
          union all
          select c.id, c.parent_id, up.depth + 1 from comments c join up on c.id = up.parent_id
          where up.depth < 100
        )
        select max(depth) as depth from up`,
  );
  return found?.depth ?? 0;
}

/** The top-level comment a comment belongs to. */
async function rootOf(db: Db, commentId: number): Promise<{ id: number; status: CommentStatus; createdAt: number } | null> {
  const root = await row<{ id: number; status: CommentStatus; createdAt: number }>(
    db,
    sql`with recursive up(id, parent_id, status, created_at, depth) as (
          select id, parent_id, status, created_at, 1 from comments where id = ${commentId}
          union all
          select c.id, c.parent_id, c.status, c.created_at, up.depth + 1 from comments c join up on c.id = up.parent_id
          where up.depth < 100
        )
        select id, status, created_at as "createdAt" from up where parent_id is null`,
  );
  return root ? { ...root, createdAt: Number(root.createdAt) } : null;
}

/** How many pages an article's thread has (at least one). */
export async function threadPageCount(articleId: number, perPage: number, db: Db = getDb()): Promise<number> {
  return pageCountFor(await countTopLevelApproved(db, articleId), perPage);
}

async function countTopLevelApproved(db: Db, articleId: number): Promise<number> {
  const found = await row<{ n: number }>(
    db,
    sql`select count(*) as n from comments where article_id = ${articleId} and status = 'approved' and parent_id is null`,
  );
  return Number(found?.n ?? 0);
}

/**
 * Which page of the thread a comment is on in the given order (its top-level
 * comment decides); by default the site's order (setting `commentOrder`),
 * which an address without `?order=` shows. A comment whose top-level
 * comment is not approved shows (to its author) where new comments appear:
 * the last page oldest first, the first newest first.
 */
export async function pageOfComment(
  db: Db,
  articleId: number,
  commentId: number,
  perPage: number,
  order?: SiteCommentOrder,
): Promise<number> {
  order ??= (await getSettings()).commentOrder;
  const root = await rootOf(db, commentId);
  const total = await countTopLevelApproved(db, articleId);
  if (!root || root.status !== "approved") return newCommentsPage(pageCountFor(total, perPage), order);
  const before = await row<{ n: number }>(
    db,
    sql`select count(*) as n from comments
        where article_id = ${articleId} and status = 'approved' and parent_id is null
          and (created_at < ${root.createdAt} or (created_at = ${root.createdAt} and id < ${root.id}))`,
  );
  return pageOfPosition(Number(before?.n ?? 0), total, perPage, order);
}

/** Where a comment shows on its article's page, for readers who see approved comments only. */
export type CommentPlace = { commentId: number; articleId: number; page: number; visible: boolean };

/**
 * The page of each of several comments in one order (for feeds): one
 * statement for all of them. `visible` is false when the comment or one of
 * its ancestors is not approved (the page does not show it then).
 */
export async function placesOfComments(
  db: Db,
  commentIds: readonly number[],
  perPage: number,
  order: SiteCommentOrder,
): Promise<Map<number, CommentPlace>> {
  const ids = commentIds.filter((id) => Number.isSafeInteger(id) && id > 0);
  const places = new Map<number, CommentPlace>();
  if (ids.length === 0) return places;
  const found = await rows<{ commentId: number; articleId: number; approved: number; before: number | string; total: number | string }>(
    db,
    sql`with recursive up(start_id, id, parent_id, approved, depth) as (
          select c.id, c.id, c.parent_id, case when c.status = 'approved' then 1 else 0 end, 1
          from comments c where ${inIds(db, sql`c.id`, ids)}
          union all
          select up.start_id, p.id, p.parent_id, case when p.status = 'approved' then up.approved else 0 end, up.depth + 1
          from comments p join up on p.id = up.parent_id
          where up.depth < 100
        )
        select up.start_id as "commentId", r.article_id as "articleId", up.approved as "approved",
          (select count(*) from comments o
            where o.article_id = r.article_id and o.status = 'approved' and o.parent_id is null
              and (o.created_at < r.created_at or (o.created_at = r.created_at and o.id < r.id))) as "before",
          (select count(*) from comments o
            where o.article_id = r.article_id and o.status = 'approved' and o.parent_id is null) as "total"
        from up join comments r on r.id = up.id
        where up.parent_id is null`,
  );
  for (const f of found) {
    const commentId = Number(f.commentId);
    places.set(commentId, {
      commentId,
      articleId: Number(f.articleId),
      page: pageOfPosition(Number(f.before), Number(f.total), perPage, order),
      visible: Number(f.approved) === 1,
    });
  }
  return places;
}

/** Approved, or one of the viewer's own held comments (`c` is the comments table's alias). */
function visibleReply(db: Db, own: readonly number[]) {
  return sql`(c.status = 'approved' or (${inIds(db, sql`c.id`, own)} and c.status in ('pending','spam')))`;
}

/**
 * One page of an article's thread: approved top-level comments in `order`
 * (oldest first unless told), each with all its approved replies, oldest
 * first under their parent (threads stay whole), plus the viewer's own held
 * comments (`ownIds`), which only they see. The viewer's held top-level
 * comments are shown where new comments appear: on the last page oldest
 * first, at the top of the first page newest first.
 */
export async function getThreadPage(
  db: Db,
  articleId: number,
  {
    page: requested,
    perPage,
    ownIds = [],
    order = "oldest",
  }: { page?: number; perPage: number; ownIds?: number[]; order?: CommentOrder },
): Promise<ThreadPage> {
  const pageCount = await threadPageCount(articleId, perPage, db);
  const page = Math.min(Math.max(1, Math.floor(requested ?? 1) || 1), pageCount);
  const own = ownIds.filter((id) => Number.isSafeInteger(id) && id > 0).slice(0, 100);
  const direction = order === "newest" ? desc : asc;
  // Most respected: by respect, ties oldest first (index comments_article_status_parent_respect_idx).
  const ordering = order === "respected" ? [desc(comments.respectCount), asc(comments.createdAt), asc(comments.id)] : [direction(comments.createdAt), direction(comments.id)];

  const roots: ThreadComment[] = await db
    .select(columns)
    .from(comments)
    .where(and(eq(comments.articleId, articleId), isNull(comments.parentId), eq(comments.status, "approved")))
    .orderBy(...ordering)
    .limit(perPage)
    .offset((page - 1) * perPage);
  if (page === newCommentsPage(pageCount, order) && own.length > 0) {
    roots.push(
      ...(await db
        .select(columns)
        .from(comments)
        .where(
          and(
            eq(comments.articleId, articleId),
            isNull(comments.parentId),
            inIds(db, comments.id, own),
            inArray(comments.status, ["pending", "spam"]),
          ),
        )
        .orderBy(asc(comments.createdAt), asc(comments.id))),
    );
    // By date, the viewer's held comments take their places in time; most respected, they
    // go last (a held comment has no respect yet), as they were appended.
    if (order !== "respected") {
      const sign = order === "newest" ? -1 : 1;
      roots.sort((a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id));
    }
  }

  const replies: ThreadComment[] = [];
  if (roots.length > 0) {
    const found = await rows<
      Omit<ThreadComment, "createdAt" | "editedAt" | "respectCount" | "featuredAt" | "userId"> & {
        createdAt: number | string;
        editedAt: number | string | null;
        respectCount: number | string;
        featuredAt: number | string | null;
        userId: number | string | null;
      }
    >(
      db,
      sql`with recursive replies(id) as (
            select c.id from comments c
            where ${inIds(db, sql`c.parent_id`, roots.map((r) => r.id))} and ${visibleReply(db, own)}
            union all
            select c.id from comments c join replies r on c.parent_id = r.id
            where ${visibleReply(db, own)}
          )
          select c.id, c.parent_id as "parentId", c.author_name as "authorName", c.author_url as "authorUrl",
                 c.author_email as "authorEmail", c.content, c.status, c.created_at as "createdAt", c.edited_at as "editedAt",
                 c.respect_count as "respectCount", c.featured_at as "featuredAt", c.user_id as "userId"
          from comments c join replies r on r.id = c.id
          order by c.created_at, c.id`,
    );
    for (const r of found)
      replies.push({
        ...r,
        createdAt: new Date(Number(r.createdAt)),
        editedAt: r.editedAt === null ? null : new Date(Number(r.editedAt)),
        respectCount: Number(r.respectCount),
        featuredAt: r.featuredAt === null ? null : new Date(Number(r.featuredAt)),
        userId: r.userId === null ? null : Number(r.userId),
      });
  }
  await markStaff(db, [...roots, ...replies]);
  return { roots: buildTree(roots, replies), page, pageCount, perPage, order };
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


/** Sets `staff` on comments written by editor, moderator and admin accounts (one small query for the page's authors). */
export async function markStaff(db: Db, list: ThreadComment[]): Promise<void> {
  const ids = [...new Set(list.flatMap((c) => (c.userId ? [c.userId] : [])))];
  if (ids.length === 0) return;
  const staff = new Set(
    (await rows<{ id: number }>(db, sql`select id from users where ${inIds(db, sql`id`, ids)} and role in ('editor', 'moderator', 'admin')`)).map((r) => Number(r.id)),
  );
  for (const c of list) c.staff = c.userId ? staff.has(c.userId) : false;
}
