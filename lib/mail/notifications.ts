import "server-only";
/**
 * Reply notifications and their double opt-in, as mail: rendered from plain
 * data and queued in the outbox. Deciding when a comment's approval calls
 * for a message, building its links to comments and writing the comment's
 * history are the caller's (lib/comments/approval-mail.ts); this module
 * knows nothing of comments beyond what it is handed, except the opt-in
 * columns it reads and sets (notifyChoice, confirmNotifications).
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
import { getDb, row, sql, type Db } from "@/lib/db";
import { bool } from "@/lib/db/dialect";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { excerpt, notifyConfirmation, replyNotification } from "./messages";
import { enqueueMail, mailEnabled } from "./outbox";
import { unsubscribeHeaders, unsubscribePageUrl } from "./unsubscribe";

export type NotificationOutcome = "queued" | "already_queued" | "not_needed";

/** An approved reply whose parent's author asked to be told, as the caller found it. */
export type ReplyNotificationData = {
  replyId: number;
  replyAuthor: string;
  replyContent: string;
  /** The reply's lasting address (the caller builds it). */
  replyUrl: string;
  parentId: number;
  parentAuthor: string;
  parentContent: string;
  /** The parent author's address. */
  to: string;
  articleTitle: string;
};

/**
 * Queues the mail telling a parent's author of an approved reply, in the
 * caller's transaction. The outbox's dedupe key (`reply:<reply id>`) makes a
 * second approval (Unapprove, then Approve) queue nothing new.
 */
export async function queueReplyNotification(tx: Db, r: ReplyNotificationData): Promise<NotificationOutcome> {
  if (!mailEnabled()) return "not_needed";
  const scope = { kind: "replies", commentId: r.parentId } as const;
  const message = replyNotification({
    siteName: SITE_NAME,
    articleTitle: r.articleTitle,
    parentAuthor: r.parentAuthor,
    parentExcerpt: excerpt(r.parentContent, 200),
    replyAuthor: r.replyAuthor,
    replyContent: r.replyContent,
    replyUrl: r.replyUrl,
    unsubscribeUrl: unsubscribePageUrl(scope),
  });
  const { queued } = await enqueueMail(tx, {
    kind: "reply_notification",
    dedupeKey: `reply:${r.replyId}`,
    to: r.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: unsubscribeHeaders(scope),
  });
  return queued ? "queued" : "already_queued";
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

/** An approved comment whose author asked for replies and has not confirmed, as the caller found it. */
export type NotifyConfirmationData = {
  commentId: number;
  author: string;
  /** The comment author's address. */
  to: string;
  content: string;
  articleTitle: string;
};

/**
 * Queues the message asking a comment's author to confirm reply
 * notifications, unless a request already went to that address lately (its
 * link confirms this comment too: confirmNotifications).
 */
export async function queueNotifyConfirmation(tx: Db, c: NotifyConfirmationData, now = new Date()): Promise<NotificationOutcome> {
  if (!mailEnabled()) return "not_needed";
  const recent = await row<{ id: number }>(
    tx,
    sql`select id from mail_outbox where lower(to_address) = ${c.to.toLowerCase()} and kind = 'notify_confirmation'
          and created_at > ${now.getTime() - CONFIRMATION_INTERVAL_MS} limit 1`,
  );
  if (recent) return "already_queued";
  const message = notifyConfirmation({
    siteName: SITE_NAME,
    author: c.author,
    articleTitle: c.articleTitle,
    commentExcerpt: excerpt(c.content, 200),
    confirmUrl: absoluteUrl(`/notifications/confirm?token=${encodeURIComponent(notifyConfirmToken(c.commentId))}`),
  });
  const { queued } = await enqueueMail(tx, {
    kind: "notify_confirmation",
    dedupeKey: `confirm:${c.commentId}`,
    to: c.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
  });
  return queued ? "queued" : "already_queued";
}

export type ConfirmOutcome = { ok: true; articleTitle: string; already: boolean } | { ok: false; message: string };

/** The confirmation link's button: notifications on for that comment (and so for its address from now on). */
/**
 * The confirmation link's button: notifications on for that comment and for
 * every other request still waiting from the same address (one request is
 * mailed per address a day; its link answers them all).
 */
export async function confirmNotifications(commentId: number, db: Db = getDb()): Promise<ConfirmOutcome> {
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
