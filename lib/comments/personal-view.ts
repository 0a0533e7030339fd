/**
 * What an article page shows one reader on top of the page every reader
 * shares (docs/decisions/022): shared by the server, which builds it
 * (lib/comments/personal.ts), and the browser, which lays it over the cached
 * page (app/_article/personal.tsx). Nothing here is secret from its reader,
 * and none of it may ever reach a shared cache.
 */
import type { AccountArea } from "@/lib/auth/areas";
import type { CompactComment } from "./compact";
import type { OwnCommentControl } from "./own-controls";

export type PersonalView = {
  /** Signed in: "Logged in as …" instead of Name, Email, Website, and the header's account links. */
  account: { name: string; banned: boolean; areas: AccountArea[] } | null;
  /** "Save my name, email, and website in this browser". */
  remembered: { name: string; email: string; url: string } | null;
  /** Comments of this article the reader respects. */
  respected: number[];
  /** Edit and Delete for the reader's own comments on this article. */
  own: Record<number, OwnCommentControl>;
  /** The reader's own comments awaiting moderation on this article (oldest first), each with its parent. */
  held: HeldComment[];
};

export type HeldComment = { parentId: number | null; comment: CompactComment };

export const EMPTY_PERSONAL_VIEW: PersonalView = { account: null, remembered: null, respected: [], own: {}, held: [] };

/**
 * The page's comments (each followed by its replies) with the reader's held
 * comments put in their places: a reply after its parent's last descendant
 * (it is newer than its siblings), one level deeper; a top-level comment at
 * the end of the page where new comments appear (oldest first, most
 * respected), or at its top (newest first), and not on other pages. A held
 * reply whose parent is not on this page is not shown here.
 */
export function withHeldComments(
  comments: readonly CompactComment[],
  held: readonly HeldComment[],
  { newCommentsHere, newestFirst }: { newCommentsHere: boolean; newestFirst: boolean },
): CompactComment[] {
  // Approved since the personal view was read: the shared page's copy is the one to show.
  const onPage = new Set(comments.map((c) => c[0]));
  const mine = held.filter((h) => !onPage.has(h.comment[0]));
  if (mine.length === 0) return [...comments];
  const tops = newCommentsHere ? mine.filter((h) => h.parentId === null).map((h) => withDepth(h.comment, 1)) : [];
  const out = newestFirst ? [...tops.reverse(), ...comments] : [...comments, ...tops];
  // Oldest first: a held reply to a held comment comes after it.
  for (const { parentId, comment } of mine) {
    if (parentId === null) continue;
    const at = out.findIndex((c) => c[0] === parentId);
    if (at < 0) continue;
    const depth = out[at]![1];
    let end = at + 1;
    while (end < out.length && out[end]![1] > depth) end += 1;
    out.splice(end, 0, withDepth(comment, depth + 1));
  }
  return out;
}

function withDepth(comment: CompactComment, depth: number): CompactComment {
  const copy = [...comment] as CompactComment;
  copy[1] = depth;
  return copy;
}

/**
 * The page's comments without those taken down since it was rendered (live
 * threads, docs/decisions/023), each with its replies: a reader never sees a
 * reply under a comment that is no longer there.
 */
export function withoutComments(comments: readonly CompactComment[], removed: ReadonlySet<number>): CompactComment[] {
  if (removed.size === 0) return [...comments];
  const out: CompactComment[] = [];
  let skipBelow: number | null = null;
  for (const c of comments) {
    if (skipBelow !== null && c[1] > skipBelow) continue;
    skipBelow = null;
    if (removed.has(c[0])) {
      skipBelow = c[1];
      continue;
    }
    out.push(c);
  }
  return out;
}
