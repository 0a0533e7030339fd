import Link from "next/link";
import type { ReactNode } from "react";
import { formatDistanceToNowStrict } from "date-fns";
import { avatarDataUri } from "@/lib/comments/avatar";
import { splitLinks } from "@/lib/comments/links";
import type { ThreadNode } from "@/lib/comments/thread";
import { formatDateTime } from "@/lib/dates";

const UGC_REL = "nofollow ugc noopener noreferrer";

/** Plain text: paragraphs, line breaks and auto-linked URLs; React escapes the rest. */
export function CommentText({ text }: { text: string }) {
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim() !== "");
  return (
    <div className="comment__body">
      {paragraphs.map((paragraph, i) => (
        <p key={i}>
          {paragraph.split("\n").map((line, j) => (
            <span key={j}>
              {j > 0 ? <br /> : null}
              {splitLinks(line).map((segment, k) =>
                segment.kind === "link" ? (
                  <a key={k} href={segment.href} rel={UGC_REL}>
                    {segment.text}
                  </a>
                ) : (
                  segment.text
                ),
              )}
            </span>
          ))}
        </p>
      ))}
    </div>
  );
}

type ThreadProps = {
  nodes: ThreadNode[];
  maxDepth: number;
  replyHref: (commentId: number) => string;
  /** Where the reply form goes: under this comment. */
  replyToId: number | null;
  form: ReactNode;
};

export function CommentThread(props: ThreadProps) {
  return (
    <ol className="comment-list">
      {props.nodes.map((node) => (
        <CommentItem key={node.id} node={node} {...props} />
      ))}
    </ol>
  );
}

function CommentItem({ node, ...props }: { node: ThreadNode } & ThreadProps) {
  const { maxDepth, replyHref, replyToId, form } = props;
  const canReply = !node.awaitingModeration && node.depth < maxDepth;
  return (
    <li id={`comment-${node.id}`} className={`comment depth-${node.depth}${node.awaitingModeration ? " comment--held" : ""}`}>
      <article className="comment__inner" aria-labelledby={`comment-${node.id}-author`}>
        <header className="comment__meta">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img className="comment__avatar" src={avatarDataUri(node.authorEmail, node.authorName)} alt="" width={40} height={40} />
          <span className="comment__who">
            <b className="comment__author" id={`comment-${node.id}-author`}>
              {node.authorUrl ? (
                <a href={node.authorUrl} rel={UGC_REL}>
                  {node.authorName}
                </a>
              ) : (
                node.authorName
              )}
            </b>
            <a className="comment__permalink" href={`#comment-${node.id}`}>
              <time dateTime={node.createdAt.toISOString()} title={formatDateTime(node.createdAt)}>
                {formatDistanceToNowStrict(node.createdAt, { addSuffix: true })}
              </time>
            </a>
          </span>
        </header>
        {node.awaitingModeration ? <p className="comment__awaiting">Your comment is awaiting moderation.</p> : null}
        <CommentText text={node.content} />
        {canReply ? (
          <p className="comment__actions">
            <Link href={replyHref(node.id)} scroll={false} className="comment__reply" aria-label={`Reply to ${node.authorName}`}>
              Reply
            </Link>
          </p>
        ) : null}
      </article>
      {replyToId === node.id ? form : null}
      {node.children.length > 0 ? (
        <ol className="children">
          {node.children.map((child) => (
            <CommentItem key={child.id} node={child} {...props} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}
