import { z } from "zod";

/**
 * The order of a thread's top-level comments: oldest first (the default
 * setting, as in WordPress), newest first, or most respected (then oldest
 * first). Replies always stay oldest
 * first under their parent, whatever the order: a conversation reads
 * downwards. The site setting `commentOrder` decides the default; a reader
 * may pick another with `?order=newest|oldest|respected` on the article (and
 * the JSON API). Anything else is ignored: the site's default applies.
 */
export const COMMENT_ORDERS = ["oldest", "newest", "respected"] as const;
export type CommentOrder = (typeof COMMENT_ORDERS)[number];
/**
 * The orders a site may make its default (setting `commentOrder`): by date.
 * "Most respected" is a reader's choice only: its pages move with every
 * Respect, so permalinks, feeds and the page a new comment lands on never
 * use it.
 */
export const SITE_COMMENT_ORDERS = ["oldest", "newest"] as const;
export type SiteCommentOrder = (typeof SITE_COMMENT_ORDERS)[number];

/** How the orders are named to readers and moderators. */
export const COMMENT_ORDER_LABELS: Record<CommentOrder, string> = { oldest: "Oldest first", newest: "Newest first", respected: "Most respected" };

const orderParam = z.enum(COMMENT_ORDERS);

/**
 * A reader's `?order=` value: a known order, or null (unknown or missing: the
 * site's default applies). Given twice, the last one counts, as in
 * next.config.js's rewrites to the cached page.
 */
export function parseCommentOrder(value: unknown): CommentOrder | null {
  const last: unknown = Array.isArray(value) ? value.at(-1) : value;
  if (typeof last !== "string" || last.length > 10) return null;
  const parsed = orderParam.safeParse(last);
  return parsed.success ? parsed.data : null;
}

/** The order a reader sees: theirs when they picked one, else the site's. */
export function effectiveOrder(chosen: CommentOrder | null, siteDefault: SiteCommentOrder): CommentOrder {
  return chosen ?? siteDefault;
}

/** How many pages `total` top-level comments make (at least one). */
export function pageCountFor(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(Math.max(0, total) / perPage));
}

/**
 * The page a top-level comment is on. `before` is how many approved
 * top-level comments come before it oldest first (its position counting
 * from 0), `total` how many there are (itself included).
 */
export function pageOfPosition(before: number, total: number, perPage: number, order: SiteCommentOrder): number {
  const index = order === "oldest" ? before : total - 1 - before;
  return Math.min(pageCountFor(total, perPage), Math.floor(Math.max(0, index) / perPage) + 1);
}

/**
 * The page where comments not yet approved appear for their author, and a
 * newly posted comment lands: the end of the thread oldest first, its start
 * newest first.
 */
export function newCommentsPage(pageCount: number, order: CommentOrder): number {
  // Most respected: a new comment has no respect yet, and ties go oldest first.
  return order === "newest" ? 1 : Math.max(1, pageCount);
}

/** The query that selects an order in a link: none for the site's default (one address per page). */
export function orderQuery(order: CommentOrder, siteDefault: SiteCommentOrder): string {
  return order === siteDefault ? "" : `order=${order}`;
}

/** The query string of a comment page (`?cpage=2&order=newest`, or "" for page 1 in the default order). */
export function commentPageQuery(page: number, order: CommentOrder, siteDefault: SiteCommentOrder): string {
  const parts = [page > 1 ? `cpage=${page}` : "", orderQuery(order, siteDefault)].filter(Boolean);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}
