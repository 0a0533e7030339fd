import "server-only";
import { avatarId } from "./avatar";
import { AWAITING_MODERATION, CAN_REPLY, EDITED, FEATURED, STAFF, minuteIso, type CompactComment } from "./compact";
import { splitLinks } from "./links";
import type { ThreadNode } from "./thread";

/** What a compact row is made of: a comment as read from the database, with its place and flags. */
export type CompactSource = {
  id: number;
  depth: number;
  authorName: string;
  authorUrl: string;
  authorEmail: string;
  content: string;
  createdAt: Date;
  flags: number;
  respectCount: number;
};

/**
 * One comment as the page sends it, with its avatar id and its links found
 * here, so the browser needs no linkifier (the thread, the personal view's
 * held comments, the live thread's arrivals).
 */
export function compactComment(c: CompactSource): CompactComment {
  const segments = splitLinks(c.content);
  const text = segments.some((s) => s.kind === "link") ? segments.map((s) => (s.kind === "link" ? ([s.text, s.href] as [string, string]) : s.text)) : c.content;
  return [c.id, c.depth, c.authorName, c.authorUrl, avatarId(c.authorEmail, c.authorName), minuteIso(c.createdAt), text, c.flags, c.respectCount];
}

/**
 * A page of the thread as the page sends it (app/_article/comment-thread.tsx):
 * each comment followed by its replies.
 */
export function compactThread(roots: ThreadNode[], maxDepth: number): CompactComment[] {
  const out: CompactComment[] = [];
  const visit = (node: ThreadNode) => {
    const flags =
      (node.awaitingModeration ? AWAITING_MODERATION : 0) | (!node.awaitingModeration && node.depth < maxDepth ? CAN_REPLY : 0) |
      (node.editedAt ? EDITED : 0) | (node.featuredAt && !node.awaitingModeration ? FEATURED : 0) | (node.staff ? STAFF : 0);
    out.push(compactComment({ ...node, flags }));
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}
