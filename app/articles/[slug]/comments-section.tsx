import type { PublicComment } from "@/lib/comments/queries";
import { commentCountLabel } from "@/lib/comments/labels";
import { formatDateTime } from "@/lib/dates";

/** Plain text to paragraphs and line breaks; React escapes every character. */
function CommentText({ text }: { text: string }) {
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim() !== "");
  return (
    <div className="comment__body">
      {paragraphs.map((p, i) => (
        <p key={i}>
          {p.split("\n").map((line, j) => (
            <span key={j}>
              {j > 0 ? <br /> : null}
              {line}
            </span>
          ))}
        </p>
      ))}
    </div>
  );
}

export function CommentsSection({
  count,
  comments,
  commentsOpen,
}: {
  count: number;
  comments: PublicComment[];
  commentsOpen: boolean;
}) {
  return (
    <section className="panel" id="comments" aria-labelledby="comments-title">
      {count === 0 ? (
        <div className="comments-empty">
          <h2 id="comments-title">No Comments Yet!</h2>
          <p className="muted">You can be first to comment this post!</p>
        </div>
      ) : (
        <>
          <h2 id="comments-title">{commentCountLabel(count)}</h2>
          <ol className="comment-list">
            {comments.map((c) => (
              <li key={c.id} id={`comment-${c.id}`} className="comment">
                <div className="comment__meta">
                  <span className="comment__author">
                    {c.authorUrl ? (
                      <a href={c.authorUrl} rel="nofollow ugc noopener noreferrer">
                        {c.authorName}
                      </a>
                    ) : (
                      c.authorName
                    )}
                  </span>
                  <a href={`#comment-${c.id}`}>
                    <time dateTime={c.createdAt.toISOString()}>{formatDateTime(c.createdAt)}</time>
                  </a>
                </div>
                <CommentText text={c.content} />
              </li>
            ))}
          </ol>
        </>
      )}
      <div className="respond" id="respond">
        <h3>Leave a Reply</h3>
        <p className="muted">
          {commentsOpen
            ? "The comment form is on its way: posting is not available yet."
            : "Comments are closed."}
        </p>
      </div>
    </section>
  );
}
