import "server-only";
import { markPersonal } from "@/lib/http/personal-hint";
import { cookies } from "next/headers";
import { standingOf, standingRefusal } from "@/lib/community/standing";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { expireChangesOf } from "@/lib/cache/invalidation";
import { CACHE_TAGS } from "@/lib/cache/pages";
import { getDb } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { deleteOwnComment, editOwnComment, type DeleteResult, type EditResult, type OwnerProof } from "./own";
import { OWN_COMMENTS_COOKIE, OWN_COMMENTS_MAX_AGE, readOwnCommentIds, writeOwnCommentIds } from "./ownership";
import { pageOfComment } from "./thread";

/**
 * A commenter's own comments for the request being served (server actions,
 * pages): who is asking (their own-comments cookie and account), and where
 * they go back to afterwards.
 */

const SUSPENDED = "Your account has been suspended, so you cannot change comments.";

/** The requester's proof of ownership, and their account (null: signed out). */
export async function requestOwnerProof(): Promise<{ proof: OwnerProof; user: CurrentUser | null }> {
  const jar = await cookies();
  const user = await getCurrentUser();
  return { proof: { ownIds: readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value), userId: user?.id ?? null }, user };
}

/** Where the form goes back to: the my-comments page it came from, or the comment on its article. */
export type ReturnTo = { kind: "account"; page: number } | { kind: "article" };

export function parseReturnTo(value: unknown): ReturnTo {
  const match = typeof value === "string" ? /^account(?::([1-9]\d{0,5}))?$/.exec(value) : null;
  return match ? { kind: "account", page: Number(match[1] ?? 1) } : { kind: "article" };
}

function accountPath(page: number): string {
  return `/account/comments${page > 1 ? `?page=${page}` : ""}`;
}

async function commentLocation(articleId: number, slug: string, commentId: number): Promise<string> {
  const settings = await getSettings();
  const page = await pageOfComment(getDb(), articleId, commentId, settings.commentsPerPage, settings.commentOrder).catch((error: unknown) => {
    if (!isDatabaseUnavailable(error)) throw error;
    return 1;
  });
  return `/articles/${slug}${page > 1 ? `?cpage=${page}` : ""}#comment-${commentId}`;
}

/**
 * After an edit or a deletion, the author waits for the article's second when it is busy
 * (expireChangesOf, docs/decisions/024), so the page they go to shows what they did. Both are
 * rare next to new comments, which do not wait.
 */
async function expirePages(articleId: number): Promise<void> {
  await expireChangesOf([CACHE_TAGS.article(articleId)]).catch((error: unknown) => {
    if (!isDatabaseUnavailable(error)) throw error;
  });
}

export async function editOwnCommentFromRequest(
  raw: { commentId: unknown; content: unknown; version: unknown; articleSlug?: string },
  returnTo: ReturnTo,
): Promise<{ result: EditResult; location: string | null }> {
  const { proof, user } = await requestOwnerProof();
  const refusal = user ? standingRefusal(standingOf(user), "change comments") : null;
  if (refusal) return { result: { ok: false, code: "not_yours", message: refusal }, location: null };
  const result = await editOwnComment(getDb(), { ...raw, proof, actor: user ? { id: user.id, name: user.name } : null });
  if (!result.ok) return { result, location: null };
  if (result.changed) await expirePages(result.articleId);
  // The author keeps seeing it if the edit is held, in this browser too.
  const jar = await cookies();
  if (!proof.ownIds.includes(result.commentId)) {
    jar.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([...proof.ownIds, result.commentId]), {
      httpOnly: true,
      sameSite: "lax",
      secure: env().SITE_URL.startsWith("https://"),
      path: "/",
      maxAge: OWN_COMMENTS_MAX_AGE,
    });
    markPersonal(jar);
  }
  const location =
    returnTo.kind === "account" ? `${accountPath(returnTo.page)}#comment-${result.commentId}` : await commentLocation(result.articleId, result.articleSlug, result.commentId);
  return { result, location };
}

export async function deleteOwnCommentFromRequest(raw: { commentId: unknown; articleSlug?: string }, returnTo: ReturnTo): Promise<{ result: DeleteResult; location: string | null }> {
  const { proof, user } = await requestOwnerProof();
  if (user?.banned) return { result: { ok: false, code: "not_yours", message: SUSPENDED }, location: null };
  const result = await deleteOwnComment(getDb(), { commentId: raw.commentId, articleSlug: raw.articleSlug, proof, actor: user ? { id: user.id, name: user.name } : null });
  if (!result.ok) return { result, location: null };
  await expirePages(result.articleId);
  const location = returnTo.kind === "account" ? accountPath(returnTo.page) : `/articles/${result.articleSlug}#comments`;
  return { result, location };
}
