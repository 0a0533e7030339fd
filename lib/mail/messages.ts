/**
 * The words of the site's mail, as plain text and as HTML (every person's
 * text escaped). Pure functions: tests read exactly what is sent.
 */

export type ReplyNotice = {
  siteName: string;
  articleTitle: string;
  parentAuthor: string;
  parentExcerpt: string;
  replyAuthor: string;
  replyContent: string;
  replyUrl: string;
  unsubscribeUrl: string;
};

export type HeldDigestEntry = { author: string; articleTitle: string; reason: string; excerpt: string; createdAt: Date };

export type HeldDigest = {
  siteName: string;
  moderatorName: string;
  period: "hourly" | "daily";
  from: Date;
  to: Date;
  total: number;
  entries: HeldDigestEntry[];
  queueUrl: string;
  accountUrl: string;
  unsubscribeUrl: string;
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export { excerpt } from "@/lib/text/excerpt";

/** A header value on one line (a subject built from a title must not add headers). */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim();
}

const quote = (text: string) =>
  text
    .split(/\r\n|\r|\n/)
    .map((line) => `> ${line}`)
    .join("\n");

const paragraphs = (text: string) =>
  text
    .split(/(?:\r\n|\r|\n){2,}/)
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\r\n|\r|\n/g, "<br>")}</p>`)
    .join("");

export function replyNotification(n: ReplyNotice): { subject: string; text: string; html: string } {
  const subject = oneLine(`${n.replyAuthor} replied to your comment on “${n.articleTitle}”`);
  const text = [
    `Hello ${n.parentAuthor},`,
    "",
    `${n.replyAuthor} replied to your comment on “${n.articleTitle}”:`,
    "",
    quote(n.replyContent),
    "",
    `Read it and answer: ${n.replyUrl}`,
    "",
    `Your comment was: “${n.parentExcerpt}”`,
    "",
    "--",
    `You get this message because you asked ${n.siteName} to notify you of replies to your comment.`,
    `Stop these messages: ${n.unsubscribeUrl}`,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#222">
<p>Hello ${escapeHtml(n.parentAuthor)},</p>
<p><strong>${escapeHtml(n.replyAuthor)}</strong> replied to your comment on “${escapeHtml(n.articleTitle)}”:</p>
<blockquote style="margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid #ccc">${paragraphs(n.replyContent)}</blockquote>
<p><a href="${escapeHtml(n.replyUrl)}">Read it and answer</a></p>
<p style="color:#555">Your comment was: “${escapeHtml(n.parentExcerpt)}”</p>
<hr><p style="font-size:13px;color:#555">You get this message because you asked ${escapeHtml(n.siteName)} to notify you of replies to your comment.
<a href="${escapeHtml(n.unsubscribeUrl)}">Stop these messages</a>.</p>
</body></html>`;
  return { subject, text, html };
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function heldDigest(d: HeldDigest): { subject: string; text: string; html: string } {
  const noun = d.total === 1 ? "comment" : "comments";
  const subject = oneLine(`${d.total} ${noun} held for moderation on ${d.siteName}`);
  const more = d.total - d.entries.length;
  const lines = d.entries.map((e) => `- ${e.author} on “${e.articleTitle}” (${e.reason}): ${e.excerpt}`);
  const text = [
    `Hello ${d.moderatorName},`,
    "",
    `${d.total} ${noun} ${d.total === 1 ? "was" : "were"} held for moderation between ${utc(d.from)} and ${utc(d.to)} and ${d.total === 1 ? "is" : "are"} still waiting:`,
    "",
    ...lines,
    ...(more > 0 ? [`… and ${more} more.`] : []),
    "",
    `Work the queue: ${d.queueUrl}`,
    "",
    "--",
    `You get this ${d.period} digest because it is on for your account (${d.accountUrl}).`,
    `Stop these messages: ${d.unsubscribeUrl}`,
  ].join("\n");
  const items = d.entries
    .map(
      (e) =>
        `<li><strong>${escapeHtml(e.author)}</strong> on “${escapeHtml(e.articleTitle)}” <em>(${escapeHtml(e.reason)})</em>: ${escapeHtml(e.excerpt)}</li>`,
    )
    .join("");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#222">
<p>Hello ${escapeHtml(d.moderatorName)},</p>
<p>${d.total} ${noun} ${d.total === 1 ? "was" : "were"} held for moderation between ${utc(d.from)} and ${utc(d.to)} and ${d.total === 1 ? "is" : "are"} still waiting:</p>
<ul>${items}</ul>${more > 0 ? `<p>… and ${more} more.</p>` : ""}
<p><a href="${escapeHtml(d.queueUrl)}">Work the queue</a></p>
<hr><p style="font-size:13px;color:#555">You get this ${d.period} digest because it is on for <a href="${escapeHtml(d.accountUrl)}">your account</a>.
<a href="${escapeHtml(d.unsubscribeUrl)}">Stop these messages</a>.</p>
</body></html>`;
  return { subject, text, html };
}

export type NotifyConfirmation = { siteName: string; author: string; articleTitle: string; commentExcerpt: string; confirmUrl: string };

export function notifyConfirmation(n: NotifyConfirmation): { subject: string; text: string; html: string } {
  const subject = oneLine(`Confirm reply notifications from ${n.siteName}`);
  const text = [
    `Hello ${n.author},`,
    "",
    `Someone, probably you, commented on “${n.articleTitle}” with this address and asked to be told of replies:`,
    "",
    `“${n.commentExcerpt}”`,
    "",
    `To get an email when someone replies, confirm here: ${n.confirmUrl}`,
    "",
    "If it was not you, ignore this message: no reply notifications are sent until the link is followed, and no other request comes for a day.",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#222">
<p>Hello ${escapeHtml(n.author)},</p>
<p>Someone, probably you, commented on “${escapeHtml(n.articleTitle)}” with this address and asked to be told of replies:</p>
<blockquote style="margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid #ccc">${escapeHtml(n.commentExcerpt)}</blockquote>
<p><a href="${escapeHtml(n.confirmUrl)}">Confirm reply notifications</a></p>
<p style="color:#555">If it was not you, ignore this message: no reply notifications are sent until the link is followed, and no other request comes for a day.</p>
</body></html>`;
  return { subject, text, html };
}
