import "server-only";
/**
 * Reply notifications: when a reply is approved (on arrival, by Akismet's
 * verdict, by the retry job or by a moderator), its parent's author is mailed
 * if they ticked "Notify me of follow-up comments by email." on that comment.
 * Called inside the transaction that approves the reply, so the message is
 * queued exactly when the approval commits; the outbox's dedupe key
 * (`reply:<reply id>`) makes a second approval (Unapprove, then Approve)
 * queue nothing new. A held or spam reply never gets here.
 *
 * Double opt-in: ticking the box on a comment does not sign an address up by
 * itself (anyone can type anyone's address). Once that comment is approved,
 * its address gets one message asking to confirm; its link turns the
 * notifications on. An address already confirmed on another comment (and not
 * unsubscribed since) is on at once.
 */
import { and, eq, isNotNull, or } from "drizzle-orm";
import { comments } from "@/db/schema";
import { sign, verifySignature } from "@/lib/auth/secret";
import { addCommentEvent } from "@/lib/comments/history";
import { commentPermalink } from "@/lib/comments/permalink";
import { row, sql, type Db } from "@/lib/db";
import { bool } from "@/lib/db/dialect";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { excerpt, notifyConfirmation, replyNotification } from "./messages";
import { enqueueMail, mailEnabled } from "./outbox";
import { unsubscribeHeaders, unsubscribePageUrl } from "./unsubscribe";

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

export type NotificationOutcome = "queued" | "already_queued" | "not_needed";

/** Queues the mail for an approved reply's parent author, when they asked for it. */
export async function queueReplyNotification(tx: Db, replyId: number, now = new Date()): Promise<NotificationOutcome> {
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

  const scope = { kind: "replies", commentId: r.parentId } as const;
  const message = replyNotification({
    siteName: SITE_NAME,
    articleTitle: r.title,
    parentAuthor: r.parentAuthor,
    parentExcerpt: excerpt(r.parentContent, 200),
    replyAuthor: r.replyAuthor,
    replyContent: r.replyContent,
    replyUrl: commentPermalink(r.replyId),
    unsubscribeUrl: unsubscribePageUrl(scope),
  });
  const { queued } = await enqueueMail(tx, {
    kind: "reply_notification",
    dedupeKey: `reply:${r.replyId}`,
    to: r.parentEmail,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: unsubscribeHeaders(scope),
  });
  if (!queued) return "already_queued";
  await addCommentEvent(tx, {
    commentId: r.replyId,
    type: "notification",
    message: `Reply notification queued for the author of #${r.parentId}`,
    detail: { parentId: r.parentId },
    at: now,
  });
  return "queued";
}

/**
 * What a new comment stores for "Notify me of follow-up comments by email.":
 * nothing when unticked or mail is off; on at once when the address already
 * confirmed (a comment of its own has notifications on); else the request,
 * waiting for the address to confirm.
 */
export async function notifyChoice(
  tx: Db,
  asked: boolean,
  author: { email: string; userId: number | null },
  now: Date,
): Promise<{ notifyReplies: boolean; notifyRequestedAt: Date | null }> {
  if (!asked || !mailEnabled() || !author.email) return { notifyReplies: false, notifyRequestedAt: null };
  // On at once only for an account that confirmed this address before: a
  // guest typing an address proves nothing, whoever confirmed it earlier.
  const confirmed =
    author.userId === null
      ? undefined
      : await row<{ id: number }>(
          tx,
          sql`select id from comments where user_id = ${author.userId} and lower(author_email) = ${author.email.toLowerCase()}
                and notify_replies = true limit 1`,
        );
  return confirmed ? { notifyReplies: true, notifyRequestedAt: null } : { notifyReplies: false, notifyRequestedAt: now };
}

/** At most one confirmation request per address in this long: the site cannot be used to flood an address with them. */
export const CONFIRMATION_INTERVAL_MS = 24 * 3_600_000;

const CONFIRM_PURPOSE = "notify-confirm";

export function notifyConfirmToken(commentId: number): string {
  return `${commentId}.${sign(CONFIRM_PURPOSE, String(commentId))}`;
}

export function readNotifyConfirmToken(token: unknown): number | null {
  if (typeof token !== "string" || token.length > 100) return null;
  const match = /^([1-9]\d{0,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || !verifySignature(CONFIRM_PURPOSE, match[1]!, match[2]!)) return null;
  return Number(match[1]);
}

/** Queues the confirmation message for an approved comment whose author asked for replies and has not confirmed. */
export async function queueNotifyConfirmation(tx: Db, commentId: number, now = new Date()): Promise<NotificationOutcome> {
  if (!mailEnabled()) return "not_needed";
  const c = await row<{ id: number; status: string; author: string; email: string; requested: unknown; notify: unknown; title: string; content: string }>(
    tx,
    sql`select c.id, c.status, c.author_name as author, c.author_email as email, c.notify_requested_at as requested,
               c.notify_replies as notify, a.title, c.content
        from comments c join articles a on a.id = c.article_id where c.id = ${commentId}`,
  );
  if (!c || c.status !== "approved" || c.requested == null || bool(c.notify) || !c.email) return "not_needed";
  // A request already went to this address lately: its link confirms this comment too (confirmNotifications).
  const recent = await row<{ id: number }>(
    tx,
    sql`select id from mail_outbox where lower(to_address) = ${c.email.toLowerCase()} and kind = 'notify_confirmation'
          and created_at > ${now.getTime() - CONFIRMATION_INTERVAL_MS} limit 1`,
  );
  if (recent) return "already_queued";
  const message = notifyConfirmation({
    siteName: SITE_NAME,
    author: c.author,
    articleTitle: c.title,
    commentExcerpt: excerpt(c.content, 200),
    confirmUrl: absoluteUrl(`/notifications/confirm?token=${encodeURIComponent(notifyConfirmToken(c.id))}`),
  });
  const { queued } = await enqueueMail(tx, {
    kind: "notify_confirmation",
    dedupeKey: `confirm:${c.id}`,
    to: c.email,
    subject: message.subject,
    text: message.text,
    html: message.html,
  });
  if (!queued) return "already_queued";
  await addCommentEvent(tx, {
    commentId: c.id,
    type: "notification",
    message: "Asked its author to confirm reply notifications",
    at: now,
  });
  return "queued";
}

/** Everything mail does when a comment becomes approved: its parent author's notification, its own author's confirmation. */
export async function afterApproval(tx: Db, commentId: number, now = new Date()): Promise<void> {
  if (!mailEnabled()) return;
  await queueReplyNotification(tx, commentId, now);
  await queueNotifyConfirmation(tx, commentId, now);
}

export type ConfirmOutcome = { ok: true; articleTitle: string; already: boolean } | { ok: false; message: string };

/** The confirmation link's button: notifications on for that comment (and so for its address from now on). */
/**
 * The confirmation link's button: notifications on for that comment and for
 * every other request still waiting from the same address (one request is
 * mailed per address a day; its link answers them all).
 */
export async function confirmNotifications(db: Db, commentId: number): Promise<ConfirmOutcome> {
  const found = await row<{ title: string; notify: unknown; email: string }>(
    db,
    sql`select a.title, c.notify_replies as notify, c.author_email as email from comments c join articles a on a.id = c.article_id where c.id = ${commentId}`,
  );
  if (!found) return { ok: false, message: "This comment no longer exists, so there is nothing to confirm." };
  const updated = await db
    .update(comments)
    .set({ notifyReplies: true, notifyRequestedAt: null })
    .where(
      and(
        or(eq(comments.id, commentId), sql`lower(${comments.authorEmail}) = ${found.email.toLowerCase()}`),
        isNotNull(comments.notifyRequestedAt),
      ),
    )
    .returning({ id: comments.id });
  return { ok: true, articleTitle: found.title, already: updated.length === 0 && bool(found.notify) };
}
