/**
 * How this site's values are written in WXR 1.2, WordPress's export format
 * (wp-admin/includes/export.php), for lib/porting/wxr-export.ts. Pure
 * functions, so the mappings are unit-tested on their own.
 */
import type { ArticleStatus, CommentStatus } from "@/db/model";

export const WXR_VERSION = "1.2";

/** An article's status as a WordPress post status (`wp:status`). */
export function wxrPostStatus(status: ArticleStatus): "publish" | "pending" | "draft" {
  switch (status) {
    case "published":
      return "publish";
    case "in_review":
      return "pending";
    case "draft":
      return "draft";
  }
}

/** A comment's status as WordPress's `comment_approved`: "1", "0" (held), "spam" or "trash". */
export function wxrCommentApproved(status: CommentStatus): "1" | "0" | "spam" | "trash" {
  switch (status) {
    case "approved":
      return "1";
    case "pending":
      return "0";
    case "spam":
      return "spam";
    case "trash":
      return "trash";
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * A time as WordPress's MySQL DATETIME text, `2024-01-05 09:03:07`, in UTC.
 * The site keeps no time zone of its own (every page shows UTC), so
 * `post_date` and `post_date_gmt` are the same text.
 */
export function wxrDate(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An RSS `pubDate` the way export.php writes it: `Fri, 05 Jan 2024 09:03:07 +0000`. */
export function rssDate(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/**
 * Plain text as the HTML WordPress keeps in `post_title`, `post_excerpt` and
 * `comment_content` (it prints titles as they are, and filters comments
 * with kses and paragraphs them with wpautop on display). Text here is plain,
 * so `&`, `<` and `>` become entities: a comment that reads `a <b> c` still
 * reads so in WordPress, and no markup appears that its author did not type.
 * Line breaks stay as they are (wpautop turns them into paragraphs and
 * breaks, as WordPress does for its own comments).
 */
export function wxrHtmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** The download's file name, dated like WordPress's (`<site>.WordPress.2024-01-05.xml`). */
export function exportFileName(kind: "wxr" | "json", now: Date): string {
  const day = wxrDate(now).slice(0, 10);
  return kind === "wxr" ? `newsroom.WordPress.${day}.xml` : `newsroom.export.${day}.json`;
}
