import "server-only";
import { avatarId } from "./avatar";
import { AWAITING_MODERATION, CAN_REPLY, EDITED, minuteIso, type CompactComment } from "./compact";
import { splitLinks } from "./links";
import type { ThreadNode } from "./thread";

/**
 * A page of the thread as the page sends it (app/_article/comment-thread.tsx):
 * each comment followed by its replies, with its avatar id and its links found
 * here, so the browser needs no linkifier.
 */
export function compactThread(roots: ThreadNode[], maxDepth: number): CompactComment[] {
  const out: CompactComment[] = [];
  const visit = (node: ThreadNode) => {
    const segments = splitLinks(node.content);
    const text = segments.some((s) => s.kind === "link")
      ? segments.map((s) => (s.kind === "link" ? ([s.text, s.href] as [string, string]) : s.text))
      : node.content;
    const flags =
      (node.awaitingModeration ? AWAITING_MODERATION : 0) | (!node.awaitingModeration && node.depth < maxDepth ? CAN_REPLY : 0) |
      (node.editedAt ? EDITED : 0);
    out.push([
      node.id,
      node.depth,
      node.authorName,
      node.authorUrl,
      avatarId(node.authorEmail, node.authorName),
      minuteIso(node.createdAt),
      text,
      flags,
      node.respectCount,
    ]);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}
