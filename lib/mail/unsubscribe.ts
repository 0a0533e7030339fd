import "server-only";
/**
 * Unsubscribe links of the site's mail. A link carries a signed scope:
 *   `replies:<comment id>`  reply notifications to that comment's author's address
 *   `digest:<user id>`      a moderator's digest of held comments
 * It never expires (an old message's link must still work) and names no
 * address. Following it unsubscribes through a one-button page (GET never
 * changes anything: mail scanners open links); mail clients unsubscribe in
 * one click with a POST of `List-Unsubscribe=One-Click` (RFC 8058).
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { comments, users } from "@/db/schema";
import { sign, verifySignature } from "@/lib/auth/secret";
import { getDb, type Db } from "@/lib/db";
import { absoluteUrl } from "@/lib/site";

const PURPOSE = "unsubscribe";

export type UnsubscribeScope = { kind: "replies"; commentId: number } | { kind: "digest"; userId: number };

function scopeText(scope: UnsubscribeScope): string {
  return scope.kind === "replies" ? `replies:${scope.commentId}` : `digest:${scope.userId}`;
}

export function unsubscribeToken(scope: UnsubscribeScope): string {
  const text = scopeText(scope);
  return `${text}.${sign(PURPOSE, text)}`;
}

/** The scope of a genuine token, or null for anything else (tampered, malformed, too long). */
export function readUnsubscribeToken(token: unknown): UnsubscribeScope | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const match = /^(replies|digest):([1-9]\d{0,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, kind, id, signature] = match;
  if (!verifySignature(PURPOSE, `${kind}:${id}`, signature!)) return null;
  const n = Number(id);
  if (!Number.isSafeInteger(n)) return null;
  return kind === "replies" ? { kind: "replies", commentId: n } : { kind: "digest", userId: n };
}

/** The page a person's link opens (one button to confirm). */
export function unsubscribePageUrl(scope: UnsubscribeScope): string {
  return absoluteUrl(`/unsubscribe?token=${encodeURIComponent(unsubscribeToken(scope))}`);
}

/** The List-Unsubscribe and List-Unsubscribe-Post headers (RFC 2369, RFC 8058) of a message. */
export function unsubscribeHeaders(scope: UnsubscribeScope): Record<string, string> {
  return {
    "List-Unsubscribe": `<${absoluteUrl(`/api/unsubscribe?token=${encodeURIComponent(unsubscribeToken(scope))}`)}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

export type UnsubscribeOutcome =
  | { ok: true; kind: "replies"; changed: number }
  | { ok: true; kind: "digest"; changed: number }
  | { ok: false; message: string };

/**
 * Applies an unsubscribe. Replies: no more reply notifications to the
 * address the comment was posted with, for any of its comments (whoever holds
 * the link reads that address's mail). Digest: the moderator's digest goes
 * off. Idempotent: a second click changes nothing and says the same.
 */
export async function applyUnsubscribe(scope: UnsubscribeScope, db: Db = getDb()): Promise<UnsubscribeOutcome> {
  if (scope.kind === "digest") {
    const updated = await db.update(users).set({ heldDigest: "off", updatedAt: new Date() }).where(eq(users.id, scope.userId)).returning({ id: users.id });
    return { ok: true, kind: "digest", changed: updated.length };
  }
  const [comment] = await db.select({ email: comments.authorEmail }).from(comments).where(eq(comments.id, scope.commentId));
  if (!comment) {
    // The comment is gone (deleted or erased): nothing of it can be mailed any more.
    return { ok: true, kind: "replies", changed: 0 };
  }
  if (!comment.email) {
    const updated = await db
      .update(comments)
      .set({ notifyReplies: false, notifyRequestedAt: null })
      .where(eq(comments.id, scope.commentId))
      .returning({ id: comments.id });
    return { ok: true, kind: "replies", changed: updated.length };
  }
  const address = sql`lower(${comments.authorEmail}) = ${comment.email.toLowerCase()}`;
  const updated = await db
    .update(comments)
    .set({ notifyReplies: false, notifyRequestedAt: null })
    .where(and(address, eq(comments.notifyReplies, true)))
    .returning({ id: comments.id });
  // Requests not confirmed yet go too: no confirmation message is sent for them any more.
  await db.update(comments).set({ notifyRequestedAt: null }).where(and(address, isNotNull(comments.notifyRequestedAt)));
  return { ok: true, kind: "replies", changed: updated.length };
}
