import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { consumeAttempt, databaseLimiter, type Limiter } from "@/lib/auth/rate-limit";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { getCurrentUser } from "@/lib/auth/session";
import { standingOf, standingRefusal } from "@/lib/community/standing";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "./ownership";
import { setRespect } from "./respect";

/**
 * Respect for the request being served (the article's form, with or without
 * JavaScript): who asks, whether they may, and where they go back to.
 */

/** Presses per account and minute: far above a person's, far below a script's. */
export const RESPECT_LIMIT = { points: 60, durationSeconds: 60 };

/** Made per request, as the other database limiters are: the counters are rows, not memory. */
function limiter(): Limiter {
  return databaseLimiter("respect", RESPECT_LIMIT.points, RESPECT_LIMIT.durationSeconds);
}

const input = z.object({
  commentId: z.coerce.number().int().positive().max(2 ** 31 - 1),
  intent: z.enum(["respect", "withdraw"]),
  returnTo: z.string().max(2_000).optional(),
});

export type RespectRequestResult =
  | { kind: "done"; commentId: number; respected: boolean; count: number; location: string }
  /** A guest: to sign in, then back to the comment. */
  | { kind: "sign_in"; location: string }
  | { kind: "refused"; commentId: number | null; message: string; location: string };

/** The article page (and comment) a comment's form came from, on this site only (Respect, Feature). */
export function backTo(returnTo: string | undefined, commentId: number | null): string {
  const path = siteRedirectPath(returnTo, "/").split("#")[0]!;
  const base = path.startsWith("/articles/") ? path : "/";
  return commentId ? `${base}#comment-${commentId}` : base;
}

export async function respectFromRequest(raw: { commentId: unknown; intent: unknown; returnTo: unknown }): Promise<RespectRequestResult> {
  const parsed = input.safeParse(raw);
  const returnTo = typeof raw.returnTo === "string" ? raw.returnTo.slice(0, 2_000) : undefined;
  if (!parsed.success) return { kind: "refused", commentId: null, message: "That comment could not be found.", location: backTo(returnTo, null) };
  const { commentId, intent } = parsed.data;
  const location = backTo(returnTo, commentId);
  const user = await getCurrentUser();
  if (!user) return { kind: "sign_in", location: `/login?callbackUrl=${encodeURIComponent(location)}` };
  const refusal = standingRefusal(standingOf(user), "respect comments");
  if (refusal) return { kind: "refused", commentId, message: refusal, location };
  const attempt = await consumeAttempt([{ limiter: limiter(), key: `user:${user.id}`, reason: "respect" }]);
  if (!attempt.ok) return { kind: "refused", commentId, message: "You are pressing Respect too often; please wait a minute.", location };
  const ownIds = readOwnCommentIds((await cookies()).get(OWN_COMMENTS_COOKIE)?.value);
  const result = await setRespect({ commentId, userId: user.id, intent, ownIds });
  if (!result.ok) return { kind: "refused", commentId, message: result.message, location };
  // Respect counts expire the cached pages lazily; this reads the log like every change does.
  await expirePageChanges().catch((error: unknown) => {
    if (!isDatabaseUnavailable(error)) throw error;
  });
  return { kind: "done", commentId, respected: result.respected, count: result.count, location };
}
