import Link from "next/link";
import type { ReactNode } from "react";
import { COMMENT_ORDERS, COMMENT_ORDER_LABELS, commentPageQuery, newCommentsPage, type CommentOrder, type SiteCommentOrder } from "@/lib/comments/order";
import type { ThreadPage } from "@/lib/comments/thread";
import { compactThread } from "@/lib/comments/thread-view";
import type { FeaturedComment } from "@/lib/community/featured";
import { CommentThread } from "./comment-thread";
import { CommentCountHeading, LiveThread, ShowNewComments } from "./live";
import { RespectForm } from "./respect";
import styles from "./comments-section.module.css";

type Props = {
  count: number;
  thread: ThreadPage;
  maxDepth: number;
  commentsOpen: boolean;
  replyToId: number | null;
  /** The comment form (a client component), placed under the reply target or at the end. */
  form: ReactNode;
  pageHref: (page: number) => string;
  /** The first page of the thread in an order (a plain link: works without JavaScript). */
  orderHref: (order: CommentOrder) => string;
  /** The site's default order (the setting `commentOrder`). */
  siteOrder: SiteCommentOrder;
  /** This article's comments feed (RSS). */
  feedPath: string;
  /** This comment page's address (where Respect comes back to without JavaScript). */
  pagePath: string;
  /** The article's slug (its live thread). */
  slug: string;
  /** The Featured comments list (above the thread). */
  featured: FeaturedComment[];
  /** The editors' message above the comments (plain text), or "". */
  message: string;
};

/** The thread of an article: its heading, order switch and feed link, comments, pages and the form. */
export function CommentsSection({ count, thread, maxDepth, commentsOpen, replyToId, form, pageHref, orderHref, siteOrder, feedPath, pagePath, slug, featured, message }: Props) {
  const formInThread = replyToId !== null && commentsOpen;
  const newestFirst = thread.order === "newest";
  // Reply links keep the page and the order: "cpage=2&order=newest&".
  const pageQuery = commentPageQuery(thread.page, thread.order, siteOrder).slice(1);
  // The order switch, once there are top-level comments to order.
  const orderable = thread.pageCount > 1 || thread.roots.length > 1;
  const comments = compactThread(thread.roots, commentsOpen ? maxDepth : 0);
  const newCommentsHere = thread.page === newCommentsPage(thread.pageCount, thread.order);
  return (
    <LiveThread slug={slug} pageIds={comments.map((c) => c[0])} newCommentsHere={newCommentsHere}>
    <section className="panel comments" id="comments" aria-labelledby="comments-title">
      <CommentCountHeading initial={count} />
      {message ? (
        <p className="comments-message" role="note">
          {message}
        </p>
      ) : null}
      {featured.length > 0 ? (
        <section className="featured-comments" aria-labelledby="featured-title">
          <h3 id="featured-title">Featured comments</h3>
          <ol>
            {featured.map((f) => (
              <li key={f.id}>
                {/* Its lasting address: the comment may be on another page of the thread. */}
                <a href={`/comments/${f.id}`}>
                  <b>{f.authorName}</b>: {f.excerpt}
                </a>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <div className={styles.tools}>
        {orderable ? (
          <nav className={styles.order} aria-label="Comment order">
            <span className="muted">Order:</span>
            {COMMENT_ORDERS.map((order) =>
              order === thread.order ? (
                <span key={order} aria-current="true">
                  {COMMENT_ORDER_LABELS[order]}
                </span>
              ) : (
                // Not prefetched: few readers switch, and each prefetch would render the other order's page.
                <Link key={order} href={orderHref(order)} rel="nofollow" prefetch={false}>
                  {COMMENT_ORDER_LABELS[order]}
                </Link>
              ),
            )}
          </nav>
        ) : null}
        <a className={styles.feed} href={feedPath} type="application/rss+xml">
          Comments feed (RSS)
        </a>
        {orderable ? <p className={`muted ${styles.note}`}>Replies stay oldest first under the comment they answer.</p> : null}
      </div>
      <ShowNewComments />
      {/* Rendered without shared comments too: the reader's own held one may show. */}
      <RespectForm returnTo={pagePath}>
        <CommentThread
          comments={comments}
          newCommentsHere={newCommentsHere}
          newestFirst={newestFirst}
          replyQuery={pageQuery ? `${pageQuery}&` : ""}
          replyToId={formInThread ? replyToId : null}
          form={formInThread ? form : null}
          pagePath={pagePath}
        />
      </RespectForm>
      {thread.pageCount > 1 ? (
        <nav className="comment-pages" aria-label="Comment pages">
          {thread.page > 1 ? (
            <Link href={pageHref(thread.page - 1)} rel="prev">
              {newestFirst ? "← Newer comments" : "← Older comments"}
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {thread.page} of {thread.pageCount}
          </span>
          {thread.page < thread.pageCount ? (
            <Link href={pageHref(thread.page + 1)} rel="next">
              {newestFirst ? "Older comments →" : "Newer comments →"}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
      {commentsOpen ? (
        formInThread ? null : form
      ) : (
        <p className="respond muted" id="respond">
          Comments are closed.
        </p>
      )}
    </section>
    </LiveThread>
  );
}
