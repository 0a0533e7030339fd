"use client";

import Link from "next/link";
import { Fragment, useEffect, useMemo, type ReactNode } from "react";
import { AWAITING_MODERATION, CAN_REPLY, EDITED, FEATURED, STAFF, commentDate, type CompactComment } from "@/lib/comments/compact";
import { withHeldComments, withoutComments } from "@/lib/comments/personal-view";
import { OwnCommentControls } from "./own-comment-controls";
import { useLive } from "./live";
import { usePersonal } from "./personal";
import { RespectButton } from "./respect";
import { FeatureControl, ReportControl } from "./community";

const UGC_REL = "nofollow ugc noopener noreferrer";

type Segment = string | [string, string];

/** Paragraphs (blank lines) of lines (line breaks) of segments. */
function paragraphs(text: CompactComment[6]): Segment[][][] {
  const result: Segment[][][] = [[[]]];
  for (const segment of typeof text === "string" ? [text] : text) {
    if (typeof segment !== "string") {
      result.at(-1)!.at(-1)!.push(segment);
      continue;
    }
    segment.split(/(\n{2,}|\n)/).forEach((part, i) => {
      if (i % 2 === 0) {
        if (part) result.at(-1)!.at(-1)!.push(part);
      } else if (part.length > 1) result.push([[]]);
      else result.at(-1)!.push([]);
    });
  }
  return result.filter((p) => p.some((line) => line.some((s) => (typeof s === "string" ? s.trim() !== "" : true))));
}

/** Plain text: paragraphs, line breaks and auto-linked URLs; React escapes the rest. */
function CommentText({ text }: { text: CompactComment[6] }) {
  return paragraphs(text).map((lines, i) => (
    <p key={i}>
      {lines.map((line, j) => (
        <Fragment key={j}>
          {j > 0 ? <br /> : null}
          {line.map((segment, k) =>
            typeof segment === "string" ? (
              segment
            ) : (
              <a key={k} href={segment[1]} rel={UGC_REL}>
                {segment[0]}
              </a>
            ),
          )}
        </Fragment>
      ))}
    </p>
  ));
}

type Node = { comment: CompactComment; children: Node[] };

function tree(comments: CompactComment[]): Node[] {
  const roots: Node[] = [];
  const open: Node[] = [];
  for (const comment of comments) {
    const node = { comment, children: [] };
    const depth = comment[1];
    open.length = depth - 1;
    (depth > 1 && open[depth - 2] ? open[depth - 2]!.children : roots).push(node);
    open[depth - 1] = node;
  }
  return roots;
}

type Props = {
  /** The page's comments, each followed by its replies (depth 1 = top level). */
  comments: CompactComment[];
  /** This is the page new comments land on (where the reader's held top-level comments show). */
  newCommentsHere: boolean;
  newestFirst: boolean;
  /** Query kept in reply links (the comment page), e.g. "cpage=2&". */
  replyQuery: string;
  /** Where the reply form goes: under this comment. */
  replyToId: number | null;
  form: ReactNode;
  /** This comment page's address (where Feature comes back to without JavaScript). */
  pagePath: string;
};

export function CommentThread({ comments: shared, newCommentsHere, newestFirst, replyQuery, replyToId, form, pagePath }: Props) {
  // The reader's own held comments, in their places (from the personal view).
  const { view } = usePersonal();
  const held = view?.held;
  // What changed since the page was rendered: taken down, and arrived (once the reader asked to see them).
  const { shown, removed } = useLive();
  const comments = useMemo(() => {
    const place = { newCommentsHere, newestFirst };
    return withHeldComments(withHeldComments(withoutComments(shared, removed), shown, place), held ?? [], place);
  }, [shared, removed, shown, held, newCommentsHere, newestFirst]);
  // Arrived at a comment that came with the personal view (just posted, awaiting moderation): show it.
  useEffect(() => {
    if (!held?.length || !location.hash.startsWith("#comment-")) return;
    document.getElementById(location.hash.slice(1))?.scrollIntoView({ block: "center" });
  }, [held]);
  if (comments.length === 0) return null;
  const render = (nodes: Node[], className: string) => (
    <ol className={className}>
      {nodes.map(({ comment, children }) => {
        const [id, , name, url, avatar, iso, text, flags, respects] = comment;
        return (
          <li key={id} id={`comment-${id}`} className={flags & AWAITING_MODERATION ? "held" : undefined}>
            <article>
              <img src={`/avatars/${avatar}.svg`} alt="" loading="lazy" />
              <b>
                {url ? (
                  <a href={url} rel={UGC_REL}>
                    {name}
                  </a>
                ) : (
                  name
                )}
                {flags & STAFF ? <span className="badge badge--staff">Staff</span> : null}
                {flags & FEATURED ? <span className="badge badge--featured">Featured</span> : null}
              </b>
              <a href={`#comment-${id}`}>
                {/* An absolute date: a cached page never goes stale by itself. */}
                <time dateTime={iso}>{commentDate(iso)}</time>
                {flags & EDITED ? " · Edited" : null}
              </a>
              {flags & AWAITING_MODERATION ? <p className="awaiting">Your comment is awaiting moderation.</p> : null}
              <CommentText text={text} />
              {flags & AWAITING_MODERATION ? null : <RespectButton id={id} count={respects} />}
              {flags & CAN_REPLY ? (
                <Link href={`?${replyQuery}replytocom=${id}#respond`} scroll={false} aria-label={`Reply to ${name}`}>
                  Reply
                </Link>
              ) : null}
              <OwnControls id={id} />
              {flags & AWAITING_MODERATION ? null : (
                <>
                  <ReportControl id={id} />
                  <FeatureControl id={id} featured={Boolean(flags & FEATURED)} returnTo={pagePath} />
                </>
              )}
            </article>
            {replyToId === id ? form : null}
            {children.length > 0 ? render(children, "children") : null}
          </li>
        );
      })}
    </ol>
  );
  return render(tree(comments), "comment-list");
}

/** Edit and Delete, for the viewer's own comment: from their personal view only, never from the shared page. */
function OwnControls({ id }: { id: number }) {
  const control = usePersonal().view?.own[id] ?? null;
  // Keyed by version: after an edit the forms start afresh from the new text.
  return control ? <OwnCommentControls key={control.version} commentId={id} control={control} returnTo="article" /> : null;
}
