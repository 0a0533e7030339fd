import "server-only";
import { z } from "zod";
import { getCurrentUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { backTo } from "@/lib/comments/respect-request";
import { getDb } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { moderateComment } from "@/lib/moderation/moderate";
import type { FeatureState } from "./feature-state";

const input = z.object({
  commentId: z.coerce.number().int().positive().max(2 ** 31 - 1),
  action: z.enum(["feature", "unfeature"]),
});


/**
 * Feature / Unfeature from the article page: a moderator's action, recorded
 * in the comment's history like every other (lib/moderation/moderate.ts).
 */
export async function featureFromRequest(raw: { commentId: unknown; action: unknown; returnTo: unknown }): Promise<{ state: FeatureState; location: string }> {
  const parsed = input.safeParse(raw);
  const returnTo = typeof raw.returnTo === "string" ? raw.returnTo.slice(0, 2_000) : undefined;
  if (!parsed.success) return { state: { commentId: null, message: "That comment could not be found." }, location: backTo(returnTo, null) };
  const { commentId, action } = parsed.data;
  const location = backTo(returnTo, commentId);
  const user = await getCurrentUser();
  if (!user || !can(user, "comment:moderate")) return { state: { commentId, message: "Only moderators can feature comments." }, location };
  const result = await moderateComment(getDb(), { id: user.id, name: user.name }, { id: commentId, action, expected: "approved" });
  if (!result.ok) return { state: { commentId, message: result.message }, location };
  await expirePageChanges().catch((error: unknown) => {
    if (!isDatabaseUnavailable(error)) throw error;
  });
  return { state: { commentId, featured: action === "feature" }, location };
}
