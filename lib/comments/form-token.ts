import "server-only";
import { createHash } from "node:crypto";
import { sign, verifySignature } from "@/lib/auth/secret";

const PURPOSE = "comment-form-token";

/**
 * How long a rendered form may be posted: a day. Long enough for a reader who
 * leaves a tab open over lunch or overnight; short enough that a token fetched
 * once cannot be replayed forever by a script.
 */
export const FORM_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A signed record of when a comment form for an article was rendered. */
export function issueFormToken(articleId: number, now = Date.now()): string {
  const message = `${articleId}.${now}`;
  return `${now}.${sign(PURPOSE, message)}`;
}

export type FormTokenCheck =
  | { valid: true; ageSeconds: number }
  | { valid: false; reason: "missing" | "malformed" | "bad signature" | "from the future" | "expired" };

/** How long ago the form was rendered, if the token is genuine and less than a day old. */
export function checkFormToken(token: string, articleId: number, now = Date.now()): FormTokenCheck {
  if (!token) return { valid: false, reason: "missing" };
  const match = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { valid: false, reason: "malformed" };
  const issuedAt = Number(match[1]);
  if (!verifySignature(PURPOSE, `${articleId}.${issuedAt}`, match[2]!)) {
    return { valid: false, reason: "bad signature" };
  }
  if (issuedAt > now + 60_000) return { valid: false, reason: "from the future" };
  if (now - issuedAt > FORM_TOKEN_LIFETIME_MS) return { valid: false, reason: "expired" };
  return { valid: true, ageSeconds: Math.max(0, (now - issuedAt) / 1000) };
}

/**
 * What a comment keeps of the token it was posted with (comments.form_token_hash):
 * a SHA-256 of the whole token, so a post sent again with it is known again
 * (lib/comments/submit.ts). The token says when and for which article a form
 * was rendered, not for whom: a cached page gives one token to every reader
 * of it, so the token alone never identifies the author.
 */
export function formTokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
