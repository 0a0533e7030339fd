import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { accountTokens, type AccountTokenKind } from "@/db/schema";
import { type Db } from "@/lib/db";

/**
 * The tokens of mailed account links (table account_tokens): 256 random
 * bits, written in the link as 43 base64url characters; only their SHA-256
 * hash is stored, so a copy of the database opens no link. A token does one
 * thing (its kind), once (`used_at`, set by the one conditional update that
 * claims it: two requests with the same link cannot both pass), until it
 * expires, and only for the address it was sent to.
 */

/** How long each kind of link works. */
export const TOKEN_LIFETIME_MS: Record<AccountTokenKind, number> = {
  password_reset: 60 * 60 * 1000,
  email_verification: 2 * 24 * 60 * 60 * 1000,
  email_change: 24 * 60 * 60 * 1000,
  email_undo: 7 * 24 * 60 * 60 * 1000,
};

/** A token as a link carries it: 43 base64url characters (32 bytes). Anything else is refused before the database is asked. */
const tokenField = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export type IssuedToken = { token: string; expiresAt: Date };

/** Stores a new token's hash for `userId`, in the caller's transaction; the token itself goes only into the mail. */
export async function issueToken(
  tx: Db,
  input: { userId: number; kind: AccountTokenKind; email: string; previousEmail?: string | null; now?: Date },
): Promise<IssuedToken> {
  const now = input.now ?? new Date();
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS[input.kind]);
  await tx.insert(accountTokens).values({
    userId: input.userId,
    kind: input.kind,
    tokenHash: hashToken(token),
    email: input.email.toLowerCase(),
    previousEmail: input.previousEmail?.toLowerCase() ?? null,
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

export type TokenRow = typeof accountTokens.$inferSelect;

/** Why a link does not work (the page says which, and offers a new one). */
export type TokenProblem = "unknown" | "used" | "expired";

/** What a link's page may show before it is used: whether it would work (nothing is changed). */
export async function peekToken(db: Db, raw: unknown, kind: AccountTokenKind, now = new Date()): Promise<{ ok: true; row: TokenRow } | { ok: false; problem: TokenProblem }> {
  const parsed = tokenField.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: "unknown" };
  const [found] = await db
    .select()
    .from(accountTokens)
    .where(and(eq(accountTokens.tokenHash, hashToken(parsed.data)), eq(accountTokens.kind, kind)));
  if (!found) return { ok: false, problem: "unknown" };
  if (found.usedAt) return { ok: false, problem: "used" };
  if (found.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: "expired" };
  return { ok: true, row: found };
}

/**
 * Uses a token, in the caller's transaction: one conditional update marks it
 * used only if it is of this kind, unused and unexpired, so of two requests
 * with the same link exactly one gets the row. Otherwise says why.
 */
export async function claimToken(tx: Db, raw: unknown, kind: AccountTokenKind, now = new Date()): Promise<{ ok: true; row: TokenRow } | { ok: false; problem: TokenProblem }> {
  const parsed = tokenField.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: "unknown" };
  const hash = hashToken(parsed.data);
  const [claimed] = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.tokenHash, hash), eq(accountTokens.kind, kind), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
    .returning();
  if (claimed) return { ok: true, row: claimed };
  const peeked = await peekToken(tx, parsed.data, kind, now);
  return { ok: false, problem: peeked.ok ? "used" : peeked.problem };
}

/** Ends the account's other unused links of these kinds (a new password ends the reset links still out, and so on). */
export async function retireTokens(tx: Db, userId: number, kinds: readonly AccountTokenKind[], now = new Date()): Promise<void> {
  if (kinds.length === 0) return;
  await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.userId, userId),
        isNull(accountTokens.usedAt),
        sql`${accountTokens.kind} in (${sql.join(
          kinds.map((k) => sql`${k}`),
          sql`, `,
        )})`,
      ),
    );
}

/** Deletes links that expired more than a week ago (the hourly job): they can only say "expired". */
export async function pruneTokens(db: Db, now = new Date()): Promise<number> {
  const gone = await db
    .delete(accountTokens)
    .where(sql`${accountTokens.expiresAt} < ${now.getTime() - 7 * 24 * 60 * 60 * 1000}`)
    .returning({ id: accountTokens.id });
  return gone.length;
}
