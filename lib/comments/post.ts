import "server-only";
import { markPersonal } from "@/lib/http/personal-hint";
import { cookies } from "next/headers";
import { getCurrentUser } from "@/lib/auth/session";
import { standingOf, standingRefusal } from "@/lib/community/standing";
import { getDb } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { env } from "@/lib/env";
import { getSettings } from "@/lib/settings";
import { OWN_COMMENTS_COOKIE, OWN_COMMENTS_MAX_AGE, readOwnCommentIds, writeOwnCommentIds } from "./ownership";
import { REMEMBER_COOKIE, REMEMBER_MAX_AGE, encodeRemembered } from "./remember";
import { commentRequestContext } from "./request-context";
import { submitComment, type SubmitResult } from "./submit";
import { pageOfComment } from "./thread";
import { expirePageChanges } from "@/lib/cache/invalidation";

/**
 * Posts a comment for the request being served (form action or JSON API):
 * runs the pipeline, then remembers the comment in the author's signed
 * cookie and, when asked, their name, email and website.
 */
export async function postCommentFromRequest(
  articleSlug: string,
  raw: Record<string, unknown>,
): Promise<{ result: SubmitResult; location: string | null }> {
  const ctx = await commentRequestContext();
  const account = await getCurrentUser();
  const refusal = account ? standingRefusal(standingOf(account), "comment") : null;
  if (refusal) return { result: { ok: false, kind: "refused", code: "suspended", message: refusal }, location: null };
  const user = account ? { id: account.id, name: account.name, email: account.email, role: account.role, emailVerified: account.emailVerifiedAt !== null } : null;
  const jarBefore = await cookies();
  // The comments this browser posted: a guest's record for the trust rules (lib/comments/lookups.ts).
  const ownCommentIds = readOwnCommentIds(jarBefore.get(OWN_COMMENTS_COOKIE)?.value);
  const result = await submitComment(articleSlug, raw, { ...ctx, user, ownCommentIds });
  if (!result.ok) return { result, location: null };
  // A comment approved on arrival shows on the cached page within a second (at
  // once unless the article changed in the last second: docs/decisions/024);
  // its author sees it at once, from their personal view or their own page.
  // Should the database fail from here on, the comment is stored all the same:
  // the change-log poller expires the page, and the link goes to page 1.
  if (result.status === "approved") await expirePageChanges().catch(ignoreUnavailable);

  const jar = await cookies();
  const secure = env().SITE_URL.startsWith("https://");
  const own = readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value);
  jar.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([...own, result.commentId]), {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: OWN_COMMENTS_MAX_AGE,
  });
  markPersonal(jar);
  if (raw.remember === true || raw.remember === "on") {
    jar.set(
      REMEMBER_COOKIE,
      encodeRemembered({ name: String(raw.name ?? ""), email: String(raw.email ?? ""), url: String(raw.url ?? "") }),
      { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: REMEMBER_MAX_AGE },
    );
  } else if (!user && jar.has(REMEMBER_COOKIE)) {
    jar.delete(REMEMBER_COOKIE);
  }

  // Its page in the site's order, which the address below (no ?order=) shows.
  const page = await getSettings()
    .then((settings) => pageOfComment(getDb(), result.articleId, result.commentId, settings.commentsPerPage, settings.commentOrder))
    .catch((error: unknown) => {
      ignoreUnavailable(error);
      return 1;
    });
  const location = `/articles/${result.articleSlug}${page > 1 ? `?cpage=${page}` : ""}#comment-${result.commentId}`;
  return { result, location };
}

function ignoreUnavailable(error: unknown): void {
  if (!isDatabaseUnavailable(error)) throw error;
}
