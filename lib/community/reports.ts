import "server-only";
import { commentReports, comments, REPORT_REASONS, type CommentStatus, type ReportReason } from "@/db/schema";
import { and, eq, isNull } from "drizzle-orm";
import { getDb, row, rows, sql, transaction, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { addCommentEvent } from "@/lib/comments/history";
import { reportHold } from "@/lib/spam/verdict";
import { excerpt } from "@/lib/text/excerpt";

/**
 * Reader reports: a signed-in reader tells the moderators about a published
 * comment (a reason, an optional note). One per account and comment, kept
 * by a unique index whatever arrives at once; `comments.open_report_count`
 * follows the open ones in the same transaction (the table's triggers), so
 * the hold at `reportsToHold` is decided on an exact count and happens once.
 * A moderator's decision on the comment closes its reports
 * (`closeOpenReports`): they never hold it again, and new ones start afresh.
 */

export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  offensive: "Offensive",
  abusive: "Abusive or harassing",
  spam: "Spam or advertising",
  off_topic: "Off topic",
  other: "Other",
};

export const REPORT_NOTE_MAX = 500;

/** The reasons a reader picks from, in the order the form shows them. */
export const REPORT_CHOICES = REPORT_REASONS.map((value) => ({ value, label: REPORT_REASON_LABELS[value] }));

export type ReportResult =
  | { ok: true; commentId: number; articleId: number; articleSlug: string; alreadyReported: boolean; held: boolean }
  | { ok: false; code: "not_found" | "own"; message: string };

const NOT_FOUND = "This comment is not published, so it cannot be reported.";
const OWN = "You cannot report your own comment.";

/**
 * Stores one reader's report, and holds the comment when it reaches
 * `reportsToHold` open reports from different accounts (0: never). Asking
 * twice is not an error: the first report stays as it was.
 */
export async function reportComment(
  input: { commentId: number; userId: number; userName: string; reason: ReportReason; note: string; ownIds?: readonly number[]; reportsToHold: number },
  now: Date = new Date(),
  db: Db = getDb(),
): Promise<ReportResult> {
  return transaction(db, async (tx): Promise<ReportResult> => {
    const target = await row<{ articleId: number; articleSlug: string; userId: number | null; published: number }>(
      tx,
      sql`select c.article_id as "articleId", a.slug as "articleSlug", c.user_id as "userId",
            case when c.status = 'approved' and a.status = 'published' then 1 else 0 end as published
          from comments c join articles a on a.id = c.article_id
          where c.id = ${input.commentId}`,
    );
    if (!target || Number(target.published) !== 1) return { ok: false, code: "not_found", message: NOT_FOUND };
    if ((target.userId !== null && Number(target.userId) === input.userId) || (input.ownIds ?? []).includes(input.commentId)) {
      return { ok: false, code: "own", message: OWN };
    }
    const base = { ok: true as const, commentId: input.commentId, articleId: Number(target.articleId), articleSlug: target.articleSlug };
    const inserted = await tx
      .insert(commentReports)
      .values({ commentId: input.commentId, userId: input.userId, reason: input.reason, note: input.note, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: commentReports.id });
    if (inserted.length === 0) return { ...base, alreadyReported: true, held: false };

    await addCommentEvent(tx, {
      commentId: input.commentId,
      type: "report",
      actorId: input.userId,
      message: `Reported by ${input.userName}: ${REPORT_REASON_LABELS[input.reason]}${input.note ? ` (“${input.note}”)` : ""}`,
      detail: { reason: input.reason },
      at: now,
    });
    // The trigger counted this report under the comment's row lock, held until this
    // transaction ends (PostgreSQL): the count read here includes every report committed
    // before, and the next reporter's count waits for this one. (No FOR UPDATE: the other
    // reporters' foreign-key checks hold KEY SHARE on the row, and it would deadlock with them.)
    const counted = await row<{ n: number; status: CommentStatus }>(
      tx,
      sql`select open_report_count as n, status from comments where id = ${input.commentId}`,
    );
    const hold = counted && counted.status === "approved" ? reportHold(Number(counted.n), input.reportsToHold) : null;
    if (!hold) return { ...base, alreadyReported: false, held: false };
    const moved = await tx
      .update(comments)
      .set({ status: "pending", statusReason: hold.message, updatedAt: now })
      .where(and(eq(comments.id, input.commentId), eq(comments.status, "approved")))
      .returning({ id: comments.id });
    if (moved.length === 0) return { ...base, alreadyReported: false, held: false };
    await addCommentEvent(tx, {
      commentId: input.commentId,
      type: "status_change",
      fromStatus: "approved",
      toStatus: "pending",
      message: hold.message,
      detail: { rule: hold.rule, reports: Number(counted!.n) },
      at: now,
    });
    return { ...base, alreadyReported: false, held: true };
  });
}

/**
 * A moderator's decision on a comment reviews its open reports: they are
 * closed (with who and when), no longer count towards a hold, and leave the
 * Reported queue. Call inside the decision's transaction. Answers how many.
 */
export async function closeOpenReports(tx: Db, commentId: number, actor: { id: number; name: string }, now: Date, how: string): Promise<number> {
  const closed = await tx
    .update(commentReports)
    .set({ closedAt: now, closedBy: actor.id })
    .where(and(eq(commentReports.commentId, commentId), isNull(commentReports.closedAt)))
    .returning({ id: commentReports.id });
  if (closed.length > 0) {
    await addCommentEvent(tx, {
      commentId,
      type: "reports_closed",
      actorId: actor.id,
      message: `${closed.length} ${closed.length === 1 ? "report" : "reports"} reviewed by ${actor.name} (${how})`,
      at: now,
    });
  }
  return closed.length;
}

/** Which of an article's comments this reader reported (the personal view). */
export async function reportedInArticle(userId: number, articleId: number, db: Db = getDb()): Promise<number[]> {
  const found = await rows<{ id: number }>(
    db,
    // CROSS JOIN: SQLite keeps this order (the reader's few reports, then each one's comment);
    // left to choose, it walks every comment of a busy article instead. PostgreSQL plans it freely.
    sql`select r.comment_id as id from comment_reports r cross join comments c
        where c.id = r.comment_id and r.user_id = ${userId} and c.article_id = ${articleId}
        order by r.comment_id`,
  );
  return found.map((r) => Number(r.id));
}

export type CommentReport = { commentId: number; reason: ReportReason; note: string; reporterId: number; reporterName: string; reporterEmail: string; createdAt: Date };

/** The open reports of these comments, oldest first (the Reported queue's rows). */
export async function openReportsOf(commentIds: readonly number[], db: Db = getDb()): Promise<Map<number, CommentReport[]>> {
  const byComment = new Map<number, CommentReport[]>();
  if (commentIds.length === 0) return byComment;
  const found = await rows<Omit<CommentReport, "createdAt"> & { createdAt: number | string }>(
    db,
    sql`select r.comment_id as "commentId", r.reason, r.note, r.user_id as "reporterId", u.name as "reporterName", u.email as "reporterEmail",
          r.created_at as "createdAt"
        from comment_reports r join users u on u.id = r.user_id
        where ${inIds(db, sql`r.comment_id`, commentIds)} and r.closed_at is null
        order by r.comment_id, r.created_at, r.id`,
  );
  for (const r of found) {
    const id = Number(r.commentId);
    const list = byComment.get(id) ?? [];
    list.push({ ...r, commentId: id, reporterId: Number(r.reporterId), createdAt: new Date(Number(r.createdAt)) });
    byComment.set(id, list);
  }
  return byComment;
}

export type ReportableComment = { id: number; authorName: string; excerpt: string; articleTitle: string; articleSlug: string; userId: number | null };

/** A published comment as its report form shows it, or null (not published: nothing to report). */
export async function reportableComment(commentId: number, db: Db = getDb()): Promise<ReportableComment | null> {
  const found = await row<{ id: number; authorName: string; content: string; articleTitle: string; articleSlug: string; userId: number | null }>(
    db,
    sql`select c.id, c.author_name as "authorName", c.content, a.title as "articleTitle", a.slug as "articleSlug", c.user_id as "userId"
        from comments c join articles a on a.id = c.article_id
        where c.id = ${commentId} and c.status = 'approved' and a.status = 'published'`,
  );
  if (!found) return null;
  return {
    id: Number(found.id),
    authorName: found.authorName,
    excerpt: excerpt(found.content, 400),
    articleTitle: found.articleTitle,
    articleSlug: found.articleSlug,
    userId: found.userId === null ? null : Number(found.userId),
  };
}

/** Whether this account reported this comment already. */
export async function hasReported(userId: number, commentId: number, db: Db = getDb()): Promise<boolean> {
  return Boolean(await row(db, sql`select 1 from comment_reports where comment_id = ${commentId} and user_id = ${userId}`));
}
