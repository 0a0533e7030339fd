import "server-only";
import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { emailField, passwordField } from "@/lib/auth/rules";
import { addCommenterEvent } from "@/lib/community/commenter-events";
import { getDb, rows, transaction, type Db } from "@/lib/db";
import { enqueueMail, mailEnabled } from "@/lib/mail/outbox";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { hasNul } from "@/lib/text/storable";
import { consumeAccountForm } from "./limits";
import { removeIdentities } from "./sign-on";
import { noAccountMessage, passwordResetMessage } from "./messages";
import { claimToken, hashToken, peekToken, retireTokens, TOKEN_LIFETIME_MS, type TokenProblem } from "./tokens";

/**
 * "Forgot your password?" (/reset-password): a link mailed to the address
 * sets a new password once, within an hour.
 *
 * Asking for it answers the same words, with the same status, whether or not
 * an account uses the address, and does the same work either way: one
 * statement that stores a token for the account with that address (none
 * when there is none), then one message queued: the link, or a note that no
 * account uses the address. Nothing slow (no hash, no SMTP) runs in the
 * request; the mail job sends the message.
 */

export type ResetRequestState = {
  status: "idle" | "invalid" | "limited" | "sent" | "mail_off";
  message: string | null;
  fieldError: string | null;
  /** What was typed. */
  email: string;
};
// (The same shape as a personal-data link's form: one client form, app/email-link-form.tsx, serves both.)

export const EMPTY_RESET_REQUEST: ResetRequestState = { status: "idle", message: null, fieldError: null, email: "" };

/** The one answer for every address, known or not. */
function resetSentMessage(email: string): string {
  return `If an account uses ${email}, a link to set a new password is on its way. It works once, for one hour. Nothing after a few minutes? Check your spam folder, or ask again.`;
}

export const RESET_MAIL_OFF =
  "This site cannot send mail, so it cannot send you a link. Ask the site's admin to set a new password for you (npm run user:add).";

const MAX_INPUT = 1000;

export async function requestPasswordReset(raw: unknown, ip: string, db: Db = getDb(), now = new Date()): Promise<ResetRequestState> {
  const typed = typeof raw === "string" ? raw : "";
  const email = typed.slice(0, 300);
  if (!mailEnabled()) return { status: "mail_off", message: RESET_MAIL_OFF, fieldError: null, email };
  const invalid = (fieldError: string): ResetRequestState => ({ status: "invalid", message: "Please correct the address.", fieldError, email });
  if (typed.length > MAX_INPUT) return invalid("An email address can be at most 100 characters.");
  if (hasNul(typed)) return invalid("Enter a valid email address, like name@example.com.");
  const parsed = emailField.safeParse(typed);
  if (!parsed.success) return invalid(parsed.error.issues[0]?.message ?? "Enter a valid email address.");
  const address = parsed.data;

  const refused = await consumeAccountForm({ ip, address });
  if (refused) return { status: "limited", message: refused, fieldError: null, email };

  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = now.getTime() + TOKEN_LIFETIME_MS.password_reset;
  await transaction(db, async (tx) => {
    // One statement either way: the token is stored for the account with this address, if there is one.
    const stored = await rows<{ user_id: number }>(
      tx,
      sql`insert into account_tokens (user_id, kind, token_hash, email, created_at, expires_at)
          select id, cast(${"password_reset"} as text), cast(${hashToken(token)} as text), lower(email), cast(${now.getTime()} as bigint), cast(${expiresAt} as bigint)
          from users where lower(email) = ${address}
          returning user_id`,
    );
    const message =
      stored.length > 0
        ? passwordResetMessage({
            siteName: SITE_NAME,
            link: absoluteUrl(`/reset-password?token=${token}`),
            lifetimeMs: TOKEN_LIFETIME_MS.password_reset,
            resetPageUrl: absoluteUrl("/reset-password"),
          })
        : noAccountMessage({ siteName: SITE_NAME, registerUrl: absoluteUrl("/register"), resetPageUrl: absoluteUrl("/reset-password") });
    await enqueueMail(tx, {
      kind: "password_reset",
      // One message per request (the limits above bound how many).
      dedupeKey: `password-reset:${hashToken(token).slice(0, 32)}`,
      to: address,
      ...message,
      headers: { "Auto-Submitted": "auto-generated" },
    });
  });
  return { status: "sent", message: resetSentMessage(address), fieldError: null, email };
}

export type NewPasswordState = {
  status: "idle" | "invalid" | "limited" | "link_problem";
  message: string | null;
  fieldErrors: Partial<Record<"password" | "confirm", string>>;
  problem: TokenProblem | null;
};

export const EMPTY_NEW_PASSWORD: NewPasswordState = { status: "idle", message: null, fieldErrors: {}, problem: null };

/** What a link's page says when it cannot be used. */
export const LINK_PROBLEMS: Record<TokenProblem, string> = {
  unknown: "This link does not work: it may have been copied incompletely. Ask for a new one below.",
  used: "This link has already been used. Each link works once: ask for a new one below.",
  expired: "This link has expired (it works for one hour). Ask for a new one below.",
};

export type ResetOutcome =
  | { ok: true; account: { id: number; name: string; email: string; sessionVersion: number; banned: boolean } }
  | { ok: false; state: NewPasswordState };

/** Whether a reset link can be used (the page shows the form, or why not). */
export async function checkResetLink(raw: unknown, db: Db = getDb(), now = new Date()): Promise<TokenProblem | null> {
  const found = await peekToken(db, raw, "password_reset", now);
  return found.ok ? null : found.problem;
}

/**
 * Sets the new password from the link's form: the passwords are checked
 * first (a typo does not use up the link), then the token is claimed, in the
 * transaction that sets the password, so a link works once even when sent
 * twice at once. The account's session version moves on (every session
 * ends), its other reset links stop working, and the change goes into its
 * history. Opening the link proved the address: it counts as verified.
 */
export async function resetPassword(formData: FormData, ip: string, db: Db = getDb(), now = new Date()): Promise<ResetOutcome> {
  const token = formData.get("token");
  const password = String(formData.get("password") ?? "");
  const confirm = String(formData.get("confirm") ?? "");
  const fieldErrors: NewPasswordState["fieldErrors"] = {};
  const parsed = passwordField.safeParse(password);
  if (!parsed.success) fieldErrors.password = parsed.error.issues[0]!.message;
  else if (confirm !== password) fieldErrors.confirm = "The two passwords are not the same.";
  if (fieldErrors.password || fieldErrors.confirm) {
    return { ok: false, state: { status: "invalid", message: "Please correct the highlighted fields.", fieldErrors, problem: null } };
  }
  const early = await checkResetLink(token, db, now);
  if (early) return { ok: false, state: { status: "link_problem", message: LINK_PROBLEMS[early], fieldErrors: {}, problem: early } };
  const refused = await consumeAccountForm({ ip });
  if (refused) return { ok: false, state: { status: "limited", message: refused, fieldErrors: {}, problem: null } };

  const passwordHash = await hashPassword(password);
  return transaction(db, async (tx): Promise<ResetOutcome> => {
    const claimed = await claimToken(tx, token, "password_reset", now);
    if (!claimed.ok) return { ok: false, state: { status: "link_problem", message: LINK_PROBLEMS[claimed.problem], fieldErrors: {}, problem: claimed.problem } };
    const [account] = await tx.select().from(users).where(eq(users.id, claimed.row.userId));
    // The link was sent to the address the account had then: after an address change it opens nothing.
    if (!account || account.email.toLowerCase() !== claimed.row.email) {
      return { ok: false, state: { status: "link_problem", message: LINK_PROBLEMS.used, fieldErrors: {}, problem: "used" } };
    }
    if (password.toLowerCase() === account.email.toLowerCase()) {
      // (Checked here, where the address is known; the link was used: the page asks for a new one.)
      throw new PasswordIsEmail();
    }
    const [updated] = await tx
      .update(users)
      .set({
        passwordHash,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        emailVerifiedAt: account.emailVerifiedAt ?? now,
        updatedAt: now,
      })
      .where(eq(users.id, account.id))
      .returning({ sessionVersion: users.sessionVersion });
    await retireTokens(tx, account.id, ["password_reset"], now);
    // Whoever holds the mailbox owns the account: sign-on links that may be someone else's go.
    await removeIdentities(tx, account.id, "a new password was set with a link mailed to the account's address", {}, now);
    await addCommenterEvent(tx, {
      userId: account.id,
      type: "password_reset",
      actorId: account.id,
      message: "Password set with a link mailed to the account's address; every session ended",
      at: now,
    });
    return { ok: true, account: { id: account.id, name: account.name, email: account.email, sessionVersion: updated!.sessionVersion, banned: account.banned } };
  }).catch((error: unknown) => {
    if (error instanceof PasswordIsEmail) {
      return { ok: false, state: { status: "invalid", message: "Please correct the highlighted fields.", fieldErrors: { password: "Your password must not be your email address." }, problem: null } };
    }
    throw error;
  });
}

/** Thrown inside the transaction so nothing is written (the link stays usable). */
class PasswordIsEmail extends Error {}
