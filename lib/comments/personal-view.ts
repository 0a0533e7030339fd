/**
 * What an article page shows one reader on top of the page every reader
 * shares (docs/decisions/022): shared by the server, which builds it
 * (lib/comments/personal.ts), and the browser, which lays it over the cached
 * page (app/_article/personal.tsx). Nothing here is secret from its reader,
 * and none of it may ever reach a shared cache.
 */
import type { AccountArea } from "@/lib/auth/areas";
import { AWAITING_MODERATION, EDITED, type CompactComment } from "./compact";
import type { OwnCommentControl } from "./own-controls";

export type PersonalView = {
  /** Signed in: "Logged in as …" instead of Name, Email, Website, and the header's account links. */
  account: {
    name: string;
    banned: boolean;
    areas: AccountArea[];
    /** Suspended until this time (ISO), with the moderator's message; null: not suspended. */
    suspendedUntil: string | null;
    suspensionMessage: string;
  } | null;
  /** "Save my name, email, and website in this browser". */
  remembered: { name: string; email: string; url: string } | null;
  /** Comments of this article the reader respects. */
  respected: number[];
  /** Comments of this article the reader reported (their Report control reads "Reported"). */
  reported: number[];
  /** Edit and Delete for the reader's own comments on this article. */
  own: Record<number, OwnCommentControl>;
  /**
   * The reader's own comments on this article that the shared page may lack or show in an older
   * version (oldest first), each with its parent: awaiting moderation (flagged so), or published or
   * edited moments ago (lib/comments/personal.ts, JUST_CHANGED_MS).
   */
  held: HeldComment[];
};

export type HeldComment = { parentId: number | null; comment: CompactComment };

export const EMPTY_PERSONAL_VIEW: PersonalView = { account: null, remembered: null, respected: [], reported: [], own: {}, held: [] };

/**
 * The page's comments (each followed by its replies) with the reader's held
 * comments put in their places: a reply after its parent's last descendant
 * (it is newer than its siblings), one level deeper; a top-level comment at
 * the end of the page where new comments appear (oldest first, most
 * respected), or at its top (newest first), and not on other pages. A held
 * reply whose parent is not on this page is not shown here.
 *
 * A published comment the page has already (the reader's own, just edited;
 * one that arrived live) replaces the page's copy in place, which may be
 * older: its text and whether it was edited, keeping the page's place, flags
 * and count. A held one the page has was approved since: the page's copy stays.
 */
export function withHeldComments(
  comments: readonly CompactComment[],
  held: readonly HeldComment[],
  { newCommentsHere, newestFirst }: { newCommentsHere: boolean; newestFirst: boolean },
): CompactComment[] {
  const onPage = new Set(comments.map((c) => c[0]));
  const newer = new Map(held.filter((h) => onPage.has(h.comment[0]) && !(h.comment[7] & AWAITING_MODERATION)).map((h) => [h.comment[0], h.comment]));
  const page = newer.size === 0 ? comments : comments.map((c) => (newer.has(c[0]) ? newerCopy(c, newer.get(c[0])!) : c));
  const mine = held.filter((h) => !onPage.has(h.comment[0]));
  if (mine.length === 0) return [...page];
  const tops = newCommentsHere ? mine.filter((h) => h.parentId === null).map((h) => withDepth(h.comment, 1)) : [];
  const out = newestFirst ? [...tops.reverse(), ...page] : [...page, ...tops];
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

/** The page's row with the newer copy's text and edited mark. */
function newerCopy(onPage: CompactComment, newer: CompactComment): CompactComment {
  if (onPage[6] === newer[6] && (onPage[7] & EDITED) === (newer[7] & EDITED)) return onPage;
  const copy = [...onPage] as CompactComment;
  copy[6] = newer[6];
  copy[7] = (onPage[7] & ~EDITED) | (newer[7] & EDITED);
  return copy;
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
