/**
 * How WordPress's and Disqus's values become this site's (pure functions,
 * unit-tested in tests/unit/wxr-mappings.test.ts).
 */
import ipaddr from "ipaddr.js";
import type { ArticleStatus, CommentStatus } from "@/db/model";
import { COMMENT_LIMITS, isHttpUrl } from "@/lib/comments/validation";
import { addressLimitKey } from "@/lib/http/address-key";
import { cleanCommentText, findInvisibleCharacter } from "@/lib/text/invisible-characters";
import { hasNul } from "@/lib/text/storable";

/** A post's `wp:status` as an article status, or why the post is not imported. */
export function mapPostStatus(status: string): { status: ArticleStatus } | { skip: string } {
  switch (status) {
    case "publish":
      return { status: "published" };
    case "pending":
      return { status: "in_review" };
    case "draft":
    case "future":
    case "private":
      return { status: "draft" };
    case "trash":
      return { skip: "post in the WordPress trash" };
    case "auto-draft":
      return { skip: "automatic draft (never saved by its author)" };
    case "inherit":
      return { skip: "revision or attachment (status inherit)" };
    default:
      return { skip: `unknown post status "${status}"` };
  }
}

/** A comment's `wp:comment_approved` as a comment status, or why it is not imported. */
export function mapCommentApproved(approved: string): { status: CommentStatus } | { skip: string } {
  switch (approved.trim()) {
    case "1":
    case "approve":
      return { status: "approved" };
    case "0":
    case "hold":
      return { status: "pending" };
    case "spam":
      return { status: "spam" };
    case "trash":
    case "post-trashed":
      return { status: "trash" };
    default:
      return { skip: `unknown comment status "${approved}"` };
  }
}

/** `wp:comment_type`: only ordinary comments are imported. */
export function commentTypeSkip(type: string): string | null {
  const t = type.trim();
  if (t === "" || t === "comment") return null;
  if (t === "pingback" || t === "trackback") return `${t} (pingbacks and trackbacks are not imported)`;
  return `comment type "${t}" (only comments are imported)`;
}

/**
 * A WordPress DATETIME ("2024-01-05 09:03:07", in UTC for the `_gmt`
 * fields) as a Date; null for WordPress's "no date" (0000-00-00 00:00:00,
 * which drafts have) and anything else that is not a valid time.
 */
export function parseWpDate(value: string | undefined | null): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec((value ?? "").trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y === 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d ? date : null;
}

/** An ISO 8601 time (Disqus's createdAt, "2013-02-03T04:05:06Z"); null when it is not one. */
export function parseIsoDate(value: string | undefined | null): Date | null {
  const v = (value ?? "").trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) return null;
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(t) ? new Date(t) : null;
}

/** The first of these dates that is valid (e.g. post_date_gmt, then post_date, then pubDate). */
export function firstDate(...dates: (Date | null)[]): Date | null {
  return dates.find((d) => d !== null) ?? null;
}

/** An RSS pubDate ("Fri, 05 Jan 2024 09:03:07 +0000"); null when it does not parse. */
export function parseRssDate(value: string | undefined | null): Date | null {
  const v = (value ?? "").trim();
  if (!/^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t) : null;
}


export type CommentAuthorInput = { name: string; email: string; url: string; ip: string; userAgent: string };

export type CommentFields = {
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  content: string;
  ip: string;
  ipKey: string;
  userAgent: string;
};

/**
 * A comment's text and author fields as this site stores them, under the
 * same rules as the comment form (lib/comments/validation.ts): text over
 * 65,525 characters, a name over 245, an email over 100, or a name or email
 * with invisible or control characters make the whole comment skipped, with
 * the reason; nothing is cut short. A website that is not an http(s)
 * address of at most 200 characters is left out and noted (the comment
 * itself is kept). An address that is not an IP address is left empty.
 * A NUL character anywhere skips the comment (PostgreSQL cannot store it).
 */
export function commentFields(
  text: string,
  author: CommentAuthorInput,
): { ok: true; fields: CommentFields; notes: string[] } | { ok: false; reason: string } {
  for (const [label, value] of [
    ["name", author.name],
    ["email", author.email],
    ["website", author.url],
    ["user agent", author.userAgent],
  ] as const) {
    if (hasNul(value)) return { ok: false, reason: `the author's ${label} contains a NUL character (U+0000)` };
  }
  const content = cleanCommentText(text).trim();
  if (content.length === 0) return { ok: false, reason: "empty comment" };
  if (content.length > COMMENT_LIMITS.content) {
    return { ok: false, reason: `text too long (${content.length.toLocaleString("en-US")} characters; at most ${COMMENT_LIMITS.content.toLocaleString("en-US")})` };
  }
  const name = author.name.normalize("NFC").trim() || "Anonymous";
  if (name.length > COMMENT_LIMITS.name) return { ok: false, reason: `author name too long (${name.length} characters; at most ${COMMENT_LIMITS.name})` };
  const invisibleInName = findInvisibleCharacter(name);
  if (invisibleInName) return { ok: false, reason: `author name contains an invisible or control character (${invisibleInName})` };
  const email = author.email.normalize("NFC").trim();
  if (email.length > COMMENT_LIMITS.email) return { ok: false, reason: `author email too long (${email.length} characters; at most ${COMMENT_LIMITS.email})` };
  const invisibleInEmail = findInvisibleCharacter(email);
  if (invisibleInEmail) return { ok: false, reason: `author email contains an invisible or control character (${invisibleInEmail})` };
  const notes: string[] = [];
  let url = author.url.normalize("NFC").trim();
  if (url === "http://" || url === "https://") url = "";
  if (url !== "") {
    const invisibleInUrl = findInvisibleCharacter(url);
    if (url.length > COMMENT_LIMITS.url) {
      notes.push(`website left out: longer than ${COMMENT_LIMITS.url} characters`);
      url = "";
    } else if (invisibleInUrl) {
      notes.push(`website left out: it contains an invisible or control character (${invisibleInUrl})`);
      url = "";
    } else if (!isHttpUrl(url)) {
      notes.push("website left out: not an http(s) address");
      url = "";
    }
  }
  const ipText = author.ip.trim();
  const ip = ipText !== "" && ipaddr.isValid(ipText) ? ipaddr.parse(ipText).toString() : "";
  return {
    ok: true,
    fields: {
      authorName: name,
      authorEmail: email,
      authorUrl: url,
      content,
      ip,
      ipKey: ip ? addressLimitKey(ip) : "",
      userAgent: author.userAgent.replace(/[\u0000-\u001F\u007F]/g, " ").trim(),
    },
    notes,
  };
}

/**
 * A permalink as the key the Disqus import matches threads by: no scheme,
 * no "www.", the host in lower case, no fragment and no trailing slash
 * (so http://www.example.com/2019/03/hello/ and https://example.com/2019/03/hello
 * are one page). Null for something that is not an http(s) URL.
 */
export function linkKey(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const host = url.host.toLowerCase().replace(/^www\./, "");
  const path = url.pathname.replace(/\/+$/, "");
  return `link:${host}${path}${url.search}`;
}
