import Link from "next/link";
import type { ReactNode } from "react";
import { commentCountLabel } from "@/lib/comments/labels";
import type { ThreadPage } from "@/lib/comments/thread";
import { compactThread } from "@/lib/comments/thread-view";
import { CommentThread } from "./comment-thread";

type Props = {
  count: number;
  thread: ThreadPage;
  maxDepth: number;
  commentsOpen: boolean;
  replyToId: number | null;
  /** The comment form (a client component), placed under the reply target or at the end. */
  form: ReactNode;
  pageHref: (page: number) => string;
};

export function CommentsSection({ count, thread, maxDepth, commentsOpen, replyToId, form, pageHref }: Props) {
  const hasThread = thread.roots.length > 0;
  const formInThread = replyToId !== null && commentsOpen;
  return (
    <section className="panel comments" id="comments" aria-labelledby="comments-title">
      {count === 0 ? (
        <div className="comments-empty">
          <h2 id="comments-title">No Comments Yet!</h2>
          <p className="muted">You can be first to comment this post!</p>
        </div>
      ) : (
        <h2 id="comments-title">{commentCountLabel(count)}</h2>
      )}
      {hasThread ? (
        <CommentThread
          comments={compactThread(thread.roots, commentsOpen ? maxDepth : 0)}
          replyQuery={thread.page > 1 ? `cpage=${thread.page}&` : ""}
          replyToId={formInThread ? replyToId : null}
          form={formInThread ? form : null}
        />
      ) : null}
      {thread.pageCount > 1 ? (
        <nav className="comment-pages" aria-label="Comment pages">
          {thread.page > 1 ? (
            <Link href={pageHref(thread.page - 1)} rel="prev">
              ← Older comments
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {thread.page} of {thread.pageCount}
          </span>
          {thread.page < thread.pageCount ? (
            <Link href={pageHref(thread.page + 1)} rel="next">
              Newer comments →
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
          Comments are closed on this article.
        </p>
      )}
    </section>
  );
}
