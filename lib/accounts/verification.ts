import "server-only";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { releaseUnverifiedHolds } from "@/lib/comments/verified-release";
import { addCommenterEvent } from "@/lib/community/commenter-events";
import { getDb, transaction, type Db } from "@/lib/db";
import { enqueueMail, mailEnabled } from "@/lib/mail/outbox";
import { getSettings } from "@/lib/settings";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { consumeAccountForm } from "./limits";
import { verificationMessage } from "./messages";
import { claimToken, hashToken, issueToken, peekToken, retireTokens, TOKEN_LIFETIME_MS, type TokenProblem } from "./tokens";

/**
 * Verified addresses: with mail configured, a new account is mailed a link
 * that proves the address is its owner's. Until it is opened, the account's
 * comments are held "Email not verified" (lib/spam/verdict.ts, while the
 * `requireVerifiedEmail` setting is on). Accounts made by an admin (the
 * command line, /setup) or by a provider that vouches for the address count
 * as verified; so did every account made before this existed (migration).
 */

/** Whether the site holds the comments of unverified accounts now. */
export async function verificationRequired(): Promise<boolean> {
  return mailEnabled() && (await getSettings()).requireVerifiedEmail;
}

/** Queues the verification link for an account, in the caller's transaction (its older links stop working). */
export async function queueVerification(tx: Db, account: { id: number; name: string; email: string }, now = new Date()): Promise<void> {
  if (!mailEnabled()) return;
  await retireTokens(tx, account.id, ["email_verification"], now);
  const { token } = await issueToken(tx, { userId: account.id, kind: "email_verification", email: account.email, now });
  const message = verificationMessage({
    siteName: SITE_NAME,
    name: account.name,
    link: absoluteUrl(`/verify-email?token=${token}`),
    lifetimeMs: TOKEN_LIFETIME_MS.email_verification,
  });
  await enqueueMail(tx, {
    kind: "email_verification",
    dedupeKey: `email-verification:${hashToken(token).slice(0, 32)}`,
    to: account.email,
    ...message,
    headers: { "Auto-Submitted": "auto-generated" },
  });
}

export type ResendResult = { ok: boolean; message: string };

/** `Resend verification` on /account: limited per account, per address and per network. */
export async function resendVerification(account: { id: number; name: string; email: string; emailVerifiedAt: Date | null }, ip: string, db: Db = getDb(), now = new Date()): Promise<ResendResult> {
  if (account.emailVerifiedAt) return { ok: true, message: "Your address is verified." };
  if (!mailEnabled()) return { ok: false, message: "This site cannot send mail at the moment; try again later." };
  const refused = await consumeAccountForm({ ip, accountId: account.id, address: account.email });
  if (refused) return { ok: false, message: refused };
  await transaction(db, (tx) => queueVerification(tx, account, now));
  return { ok: true, message: `A new link is on its way to ${account.email}. Older links no longer work.` };
}

/** Whether a verification link can be used (its page shows a button, or why not). */
export async function checkVerificationLink(raw: unknown, db: Db = getDb(), now = new Date()): Promise<TokenProblem | null> {
  const found = await peekToken(db, raw, "email_verification", now);
  return found.ok ? null : found.problem;
}

export type VerifyOutcome = { ok: true; userId: number; recheck: number[] } | { ok: false; problem: TokenProblem };

/**
 * Opens a verification link (a POST from its page: a mail scanner following
 * the link verifies nothing). The token is claimed in the transaction that
 * marks the address verified, only while the account still has the address
 * the link was sent to; the account's comments held "Email not verified"
 * then go through the checks again (`recheck`: those to send to Akismet now).
 */
export async function verifyEmail(raw: unknown, db: Db = getDb(), now = new Date()): Promise<VerifyOutcome> {
  return transaction(db, async (tx): Promise<VerifyOutcome> => {
    const claimed = await claimToken(tx, raw, "email_verification", now);
    if (!claimed.ok) return claimed;
    const [account] = await tx.select().from(users).where(eq(users.id, claimed.row.userId));
    if (!account || account.email.toLowerCase() !== claimed.row.email) return { ok: false, problem: "used" };
    if (!account.emailVerifiedAt) {
      await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, account.id));
      await addCommenterEvent(tx, { userId: account.id, type: "email_verified", actorId: account.id, message: `Address verified (${account.email}) with a mailed link`, at: now });
    }
    const recheck = await releaseUnverifiedHolds(tx, account.id, now);
    return { ok: true, userId: account.id, recheck };
  });
}
