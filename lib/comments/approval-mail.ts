import "server-only";
import { row, sql, type Db } from "@/lib/db";
import { bool } from "@/lib/db/dialect";
import { mailEnabled } from "@/lib/mail/outbox";
import { queueNotifyConfirmation, queueReplyNotification, type NotificationOutcome } from "@/lib/mail/notifications";
import { addCommentEvent } from "./history";
import { commentPermalink } from "./permalink";

/**
 * The mail a comment's approval calls for (on arrival, by Akismet's verdict,
 * by the retry job or by a moderator): its parent's author is told of it if
 * they ticked "Notify me of follow-up comments by email." on theirs, and its
 * own author is asked to confirm when they ticked it. Called inside the
 * transaction that approves the comment, so a message is queued exactly when
 * the approval commits, and its history entry with it. A held or spam
 * comment never gets here. This module decides and finds the data; lib/mail
 * renders and queues what it is handed.
 */
export async function afterApproval(tx: Db, commentId: number, now = new Date()): Promise<void> {
  if (!mailEnabled()) return;
  await notifyParentAuthor(tx, commentId, now);
  await askToConfirmNotifications(tx, commentId, now);
}

type ReplyRow = {
  replyId: number;
  replyStatus: string;
  replyAuthor: string;
  replyEmail: string;
  replyContent: string;
  parentId: number;
  parentAuthor: string;
  parentEmail: string;
  parentContent: string;
  parentStatus: string;
  notify: unknown;
  title: string;
  articleStatus: string;
};

/** Queues the mail for an approved reply's parent author, when they asked for it. */
export async function notifyParentAuthor(tx: Db, replyId: number, now = new Date()): Promise<NotificationOutcome> {
  if (!mailEnabled()) return "not_needed";
  const r = await row<ReplyRow>(
    tx,
    sql`select r.id as "replyId", r.status as "replyStatus", r.author_name as "replyAuthor", r.author_email as "replyEmail",
               r.content as "replyContent", p.id as "parentId", p.author_name as "parentAuthor", p.author_email as "parentEmail",
               p.content as "parentContent", p.status as "parentStatus", p.notify_replies as "notify",
               a.title, a.status as "articleStatus"
        from comments r
        join comments p on p.id = r.parent_id
        join articles a on a.id = r.article_id
        where r.id = ${replyId}`,
  );
  if (!r || r.replyStatus !== "approved" || !bool(r.notify) || !r.parentEmail) return "not_needed";
  // Nobody is told about their own reply; nothing is sent about a thread nobody can read.
  if (r.parentEmail.toLowerCase() === r.replyEmail.toLowerCase()) return "not_needed";
  if (r.parentStatus !== "approved" || r.articleStatus !== "published") return "not_needed";

  const outcome = await queueReplyNotification(tx, {
    replyId: r.replyId,
    replyAuthor: r.replyAuthor,
    replyContent: r.replyContent,
    replyUrl: commentPermalink(r.replyId),
    parentId: r.parentId,
    parentAuthor: r.parentAuthor,
    parentContent: r.parentContent,
    to: r.parentEmail,
    articleTitle: r.title,
  });
  if (outcome !== "queued") return outcome;
  await addCommentEvent(tx, {
    commentId: r.replyId,
    type: "notification",
    message: `Reply notification queued for the author of #${r.parentId}`,
    detail: { parentId: r.parentId },
    at: now,
  });
  return "queued";
}

/** Queues the confirmation message for an approved comment whose author asked for replies and has not confirmed. */
export async function askToConfirmNotifications(tx: Db, commentId: number, now = new Date()): Promise<NotificationOutcome> {
  if (!mailEnabled()) return "not_needed";
  const c = await row<{ id: number; status: string; author: string; email: string; requested: unknown; notify: unknown; title: string; content: string }>(
    tx,
    sql`select c.id, c.status, c.author_name as author, c.author_email as email, c.notify_requested_at as requested,
               c.notify_replies as notify, a.title, c.content
        from comments c join articles a on a.id = c.article_id where c.id = ${commentId}`,
  );
  if (!c || c.status !== "approved" || c.requested == null || bool(c.notify) || !c.email) return "not_needed";
  const outcome = await queueNotifyConfirmation(
    tx,
    { commentId: c.id, author: c.author, to: c.email, content: c.content, articleTitle: c.title },
    now,
  );
  if (outcome !== "queued") return outcome;
  await addCommentEvent(tx, {
    commentId: c.id,
    type: "notification",
    message: "Asked its author to confirm reply notifications",
    at: now,
  });
  return "queued";
}
