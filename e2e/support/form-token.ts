/**
 * A comment form token as the server signs it (lib/comments/form-token.ts:
 * HMAC-SHA256 of `<articleId>.<issuedAt>` under an HKDF key derived from the
 * server secret), for tests that need one issued long ago. The e2e server's
 * secret is known to the tests (e2e/support/lanes.ts).
 */
import crypto from "node:crypto";
import { E2E_NEXTAUTH_SECRET } from "./lanes";
import { e2eDb } from "./accounts";

export function articleId(slug: string): number {
  const db = e2eDb();
  try {
    const row = db.prepare("select id from articles where slug = ?").get(slug) as { id: number } | undefined;
    if (!row) throw new Error(`no article ${slug}`);
    return row.id;
  } finally {
    db.close();
  }
}

export function formTokenIssuedAt(articleId: number, issuedAt: number): string {
  const key = Buffer.from(crypto.hkdfSync("sha256", E2E_NEXTAUTH_SECRET, "newsroom", "comment-form-token", 32));
  const signature = crypto.createHmac("sha256", key).update(`${articleId}.${issuedAt}`).digest("base64url");
  return `${issuedAt}.${signature}`;
}
