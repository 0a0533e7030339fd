import "server-only";
import { and, eq, gt, isNotNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { userIdentities, users } from "@/db/schema";
import { sign, verifySignature } from "@/lib/auth/secret";
import { emailField, nameField } from "@/lib/auth/rules";
import { getAccountForSignIn } from "@/lib/auth/users";
import { releaseUnverifiedHolds } from "@/lib/comments/verified-release";
import { addCommenterEvent } from "@/lib/community/commenter-events";
import { getDb, transaction, type Db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { enqueueMail } from "@/lib/mail/outbox";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { signOnLinkedMessage } from "./messages";
import { queueVerification } from "./verification";

/**
 * Single sign-on with an OpenID Connect provider (next-auth's OAuth
 * provider, lib/auth/options.ts, does the protocol: discovery, the
 * authorization code flow with PKCE, state and nonce, the ID token's
 * signature and claims). This module decides which local account a
 * provider identity (issuer and subject) signs in to:
 * - an identity already tied to an account signs in to it;
 * - a new identity whose address no account uses makes a reader account
 *   (never another role), verified only when the provider says
 *   `email_verified: true`;
 * - a new identity whose address an account already uses is NOT signed in:
 *   the account's owner must sign in with its password first, in this same
 *   browser (the pending link is a signed cookie, set only at the end of a
 *   sign-on this browser made), and only then is the identity tied to it.
 *   Otherwise whoever controls a provider account with that address (an
 *   unverified one, or a provider that lets people type any address) would
 *   take over the local account.
 */

/** The claims of the ID token this module reads. */
export type SignOnProfile = { iss?: unknown; sub?: unknown; email?: unknown; email_verified?: unknown; name?: unknown; preferred_username?: unknown };

const identityClaims = z.object({
  iss: z.string().min(1).max(500),
  sub: z.string().min(1).max(255),
});

export type SignOnDecision =
  | { kind: "account"; userId: number }
  | { kind: "link"; link: PendingLink }
  | { kind: "refused"; reason: "no_email" | "banned" | "invalid" };

/** A provider identity waiting for the password of the account with its address. */
export type PendingLink = { issuer: string; subject: string; email: string; emailVerified: boolean; expiresAt: number };

/** How long a pending link waits for the password sign-in. */
export const PENDING_LINK_MS = 15 * 60 * 1000;

/** The address the provider gave, if it is a valid one (lowercased). */
function profileEmail(profile: SignOnProfile): string | null {
  const parsed = emailField.safeParse(typeof profile.email === "string" ? profile.email : "");
  return parsed.success ? parsed.data : null;
}

function profileName(profile: SignOnProfile, email: string): string {
  for (const candidate of [profile.name, profile.preferred_username]) {
    const parsed = nameField.safeParse(typeof candidate === "string" ? candidate.slice(0, 245) : "");
    if (parsed.success) return parsed.data;
  }
  return email.split("@")[0]!.slice(0, 245) || "Reader";
}

/** Decides (and, for a new identity, creates) the account an ID token signs in to. */
export async function resolveSignOn(profile: SignOnProfile, db: Db = getDb(), now = new Date()): Promise<SignOnDecision> {
  const claims = identityClaims.safeParse(profile);
  if (!claims.success) return { kind: "refused", reason: "invalid" };
  const { iss: issuer, sub: subject } = claims.data;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await transaction(db, async (tx): Promise<SignOnDecision> => {
        const findKnown = async () => {
          const [row] = await tx
            .select({ userId: userIdentities.userId, banned: users.banned, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
            .from(userIdentities)
            .innerJoin(users, eq(users.id, userIdentities.userId))
            .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
          return row;
        };
        const email = profileEmail(profile);
        const signIn = async (known: NonNullable<Awaited<ReturnType<typeof findKnown>>>): Promise<SignOnDecision> => {
          await tx
            .update(userIdentities)
            .set({ lastUsedAt: now, ...(email ? { email } : {}) })
            .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
          await vouchForAddress(tx, { id: known.userId, email: known.email, emailVerifiedAt: known.emailVerifiedAt }, email, profile.email_verified === true, now);
          return known.banned ? { kind: "refused", reason: "banned" } : { kind: "account", userId: known.userId };
        };
        const known = await findKnown();
        if (known) return signIn(known);
        if (!email) return { kind: "refused", reason: "no_email" };
        if (await getAccountForSignIn(email, tx)) {
          // The account may be this identity's own, made by a first sign-in that committed
          // between the two reads (each statement reads what is committed when it runs).
          const madeMeanwhile = await findKnown();
          if (madeMeanwhile) return signIn(madeMeanwhile);
          return { kind: "link", link: { issuer, subject, email, emailVerified: profile.email_verified === true, expiresAt: now.getTime() + PENDING_LINK_MS } };
        }
        const verified = profile.email_verified === true;
        const [created] = await tx
          .insert(users)
          .values({ email, name: profileName(profile, email), passwordHash: null, role: "reader", emailVerifiedAt: verified ? now : null, createdAt: now, updatedAt: now })
          .returning({ id: users.id });
        await tx.insert(userIdentities).values({ userId: created!.id, issuer, subject, email, emailVerified: verified, createdAt: now, lastUsedAt: now });
        // An address the provider did not vouch for is verified the usual way: a link mailed to it.
        if (!verified) await queueVerification(tx, { id: created!.id, name: profileName(profile, email), email }, now);
        await addCommenterEvent(tx, {
          userId: created!.id,
          type: "sign_on_created",
          actorId: created!.id,
          message: `Account created by single sign-on (${issuer}); address ${verified ? "verified by the provider" : "not verified by the provider"}`,
          at: now,
        });
        return { kind: "account", userId: created!.id };
      });
    } catch (error) {
      // Two first sign-ins at once (two tabs, two instances): the later one meets the
      // unique index (identity or address) and is decided again on what the first made.
      if (!isUniqueViolation(error) || attempt === 2) throw error;
    }
  }
  return { kind: "refused", reason: "invalid" };
}

/**
 * The account an ID token's identity is tied to, for the session token (read
 * only: resolveSignOn, in next-auth's signIn callback just before, made or
 * updated what was needed); null when none.
 */
export async function signOnAccount(profile: SignOnProfile, db: Db = getDb()) {
  const claims = identityClaims.safeParse(profile);
  if (!claims.success) return null;
  const [account] = await db
    .select({ id: users.id, name: users.name, email: users.email, sessionVersion: users.sessionVersion, banned: users.banned })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, claims.data.iss), eq(userIdentities.subject, claims.data.sub)));
  return account ?? null;
}

/** The pending link as a cookie value: its JSON, base64url, and an HMAC under the server secret. */
export function encodePendingLink(link: PendingLink): string {
  const payload = Buffer.from(JSON.stringify(link), "utf8").toString("base64url");
  return `${payload}.${sign("sso-pending-link", payload)}`;
}

const pendingLinkSchema = z.object({ issuer: z.string().max(500), subject: z.string().max(255), email: z.string().max(100), emailVerified: z.boolean(), expiresAt: z.number() });

/** A provider that says the account's own address is verified (`email_verified: true`) verifies it here too. */
async function vouchForAddress(tx: Db, account: { id: number; email: string; emailVerifiedAt: Date | null }, providerEmail: string | null, verified: boolean, now: Date): Promise<void> {
  if (!verified || account.emailVerifiedAt || !providerEmail || providerEmail !== account.email.toLowerCase()) return;
  await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, account.id));
  await addCommenterEvent(tx, { userId: account.id, type: "email_verified", actorId: account.id, message: "Address verified by the single sign-on provider", at: now });
  // Its comments held "Email not verified" go through the checks again (the retry job's next round).
  await releaseUnverifiedHolds(tx, account.id, now);
}

export function decodePendingLink(value: string | undefined, now = Date.now()): PendingLink | null {
  if (!value || value.length > 4000) return null;
  const [payload, signature] = value.split(".");
  if (!payload || !signature || !verifySignature("sso-pending-link", payload, signature)) return null;
  try {
    const parsed = pendingLinkSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    if (!parsed.success || parsed.data.expiresAt <= now) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

/**
 * After a password sign-in in the browser that holds a pending link: ties
 * the identity to the account, only when the account has the address the
 * provider gave (the link was offered because of it), and only for a
 * reader: staff accounts sign in with their password alone, so a pending
 * link carried into a staff member's browser can never open a staff account.
 * An identity tied to another account meanwhile stays where it is. Recorded
 * in the history, and the account's address is told.
 */
export async function completePendingLink(
  account: { id: number; email: string },
  link: PendingLink,
  db: Db = getDb(),
  now = new Date(),
): Promise<"linked" | "staff" | "not_linked"> {
  if (account.email.toLowerCase() !== link.email.toLowerCase()) return "not_linked";
  try {
    return await transaction(db, async (tx) => {
      const [current] = await tx.select({ role: users.role, name: users.name, emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, account.id));
      if (!current) return "not_linked";
      if (current.role !== "reader") return "staff";
      const inserted = await tx
        .insert(userIdentities)
        .values({ userId: account.id, issuer: link.issuer, subject: link.subject, email: link.email, emailVerified: link.emailVerified, createdAt: now, lastUsedAt: now })
        .onConflictDoNothing()
        .returning({ id: userIdentities.id });
      if (inserted.length === 0) return "not_linked";
      await vouchForAddress(tx, { id: account.id, email: account.email, emailVerifiedAt: current.emailVerifiedAt }, link.email, link.emailVerified, now);
      await addCommenterEvent(tx, {
        userId: account.id,
        type: "sign_on_linked",
        actorId: account.id,
        message: `Single sign-on (${link.issuer}) linked after a password sign-in`,
        at: now,
      });
      await enqueueMail(tx, {
        kind: "account_notice",
        dedupeKey: `sign-on-linked:${account.id}:${now.getTime()}`,
        to: account.email,
        ...signOnLinkedMessage({ siteName: SITE_NAME, name: current.name, issuer: link.issuer, accountUrl: absoluteUrl("/account"), resetPageUrl: absoluteUrl("/reset-password") }),
        headers: { "Auto-Submitted": "auto-generated" },
      });
      return "linked";
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "not_linked";
    throw error;
  }
}

/**
 * The owner of the address took the account in hand through a link mailed to
 * it, and single sign-on links that may not be theirs are removed, so whoever
 * made or linked them with someone else's address keeps no way in:
 * - a new password from a reset link: every link (the owner links theirs
 *   again by signing in with the provider and then the password);
 * - undoing an address change (`since`: when the change was asked): links
 *   made since then, and those whose address the provider never vouched for.
 * In the caller's transaction; each removal goes into the history.
 */
export async function removeIdentities(tx: Db, userId: number, reason: string, options: { since?: Date } = {}, now = new Date()): Promise<number> {
  const condition = options.since
    ? and(eq(userIdentities.userId, userId), or(eq(userIdentities.emailVerified, false), gt(userIdentities.createdAt, options.since)))
    : eq(userIdentities.userId, userId);
  const removed = await tx.delete(userIdentities).where(condition).returning({ issuer: userIdentities.issuer });
  for (const identity of removed) {
    await addCommenterEvent(tx, { userId, type: "sign_on_removed", actorId: null, message: `Single sign-on (${identity.issuer}) removed: ${reason}`, at: now });
  }
  return removed.length;
}

export type SignInMethods = { password: boolean; identities: { id: number; issuer: string; email: string; createdAt: Date }[] };

/** How an account can sign in: its password (if it has one) and its provider identities. */
export async function accountSignInMethods(userId: number, db: Db = getDb()): Promise<SignInMethods> {
  const [account] = await db
    .select({ hasPassword: sql<number>`case when ${users.passwordHash} is null then 0 else 1 end`.mapWith(Number) })
    .from(users)
    .where(eq(users.id, userId));
  const identities = await db
    .select({ id: userIdentities.id, issuer: userIdentities.issuer, email: userIdentities.email, createdAt: userIdentities.createdAt })
    .from(userIdentities)
    .where(and(eq(userIdentities.userId, userId), isNotNull(userIdentities.subject)))
    .orderBy(userIdentities.id);
  return { password: account?.hasPassword === 1, identities };
}

/**
 * `Unlink` on /account: removes one of the account's own sign-on links,
 * unless it is the account's last way to sign in (no password and no other
 * link). Decided in one transaction, so two unlinks at once cannot remove the
 * last two. Recorded in the history.
 */
export async function unlinkIdentity(userId: number, identityId: number, db: Db = getDb(), now = new Date()): Promise<{ ok: boolean; message: string }> {
  return transaction(
    db,
    async (tx) => {
      const [account] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
      const identities = await tx.select({ id: userIdentities.id, issuer: userIdentities.issuer }).from(userIdentities).where(eq(userIdentities.userId, userId));
      const target = identities.find((i) => i.id === identityId);
      if (!account || !target) return { ok: false, message: "That sign-in is not linked to your account." };
      if (!account.passwordHash && identities.length === 1) {
        return { ok: false, message: "This is the only way to sign in to your account: set a password first (Forgot your password?), then unlink it." };
      }
      await tx.delete(userIdentities).where(and(eq(userIdentities.id, identityId), eq(userIdentities.userId, userId)));
      await addCommenterEvent(tx, { userId, type: "sign_on_removed", actorId: userId, message: `Single sign-on (${target.issuer}) unlinked by the account's owner`, at: now });
      return { ok: true, message: "The sign-in is unlinked: it no longer signs in to this account." };
    },
    { serializable: true },
  );
}
