import "server-only";
import { and, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { commenterEvents, users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { emailField, nameField, passwordField } from "@/lib/auth/rules";
import { emailTaken } from "@/lib/auth/users";
import { addCommenterEvent } from "@/lib/community/commenter-events";
import { getDb, transaction, type Db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { enqueueMail, mailEnabled } from "@/lib/mail/outbox";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { formatDateTime } from "@/lib/dates";
import { doneForm, invalidForm, type ChangeFormState } from "./change-form";
import { consumeAccountForm, consumePasswordCheck } from "./limits";
import { removeIdentities } from "./sign-on";
import { addressTakenMessage, emailChangedMessage, emailChangeMessage, passwordChangedMessage } from "./messages";
import { claimToken, hashToken, issueToken, peekToken, retireTokens, TOKEN_LIFETIME_MS, type TokenProblem } from "./tokens";

/**
 * A reader's own changes on /account: password, address and display name.
 * Each is limited, each change goes into the account's history (the
 * commenter page), and the account's address is told of a new password.
 */

/** The account as these changes read it (the session's account). */
export type Self = { id: number; name: string; email: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** How recent a single sign-on must be to stand in for the password (changing the address, deleting the account). */
export const FRESH_SIGN_ON_MS = 10 * 60 * 1000;

/**
 * Checks the account's current password, counting the attempt first
 * (lib/accounts/limits.ts: 10 an hour per account, in the database) so a
 * stolen session cannot guess it quickly. A right password gives the attempt
 * back. Returns the message to show, or null.
 */
export async function checkCurrentPassword(db: Db, accountId: number, password: string): Promise<string | null> {
  const attempt = await consumePasswordCheck(accountId);
  if (attempt.refused) return attempt.refused;
  const [account] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, accountId));
  if (!account?.passwordHash) return "This account has no password: set one with “Forgot your password?” on the sign-in page.";
  if (password.length > 1000 || !(await verifyPassword(account.passwordHash, password))) return "That is not your current password.";
  await attempt.passed();
  return null;
}

/**
 * `Change password`: the current password, then the new one (the rules of
 * registration). The session version moves on, so every session ends; the
 * caller gives this browser a new session. Reset links still out stop
 * working, and the account's address is told.
 */
export async function changePassword(
  self: Self,
  formData: FormData,
  db: Db = getDb(),
  now = new Date(),
): Promise<{ ok: true; sessionVersion: number; state: ChangeFormState } | { ok: false; state: ChangeFormState }> {
  const current = String(formData.get("currentPassword") ?? "");
  const next = String(formData.get("newPassword") ?? "");
  const fieldErrors: Record<string, string> = {};
  if (!current) fieldErrors.currentPassword = "Enter your current password.";
  const parsed = passwordField.safeParse(next);
  if (!parsed.success) fieldErrors.newPassword = parsed.error.issues[0]!.message;
  else if (next.toLowerCase() === self.email.toLowerCase()) fieldErrors.newPassword = "Your password must not be your email address.";
  else if (next === current) fieldErrors.newPassword = "The new password is the same as the current one.";
  if (Object.keys(fieldErrors).length > 0) return { ok: false, state: invalidForm("Please correct the highlighted fields.", fieldErrors) };
  const wrong = await checkCurrentPassword(db, self.id, current);
  if (wrong) return { ok: false, state: invalidForm("Please correct the highlighted fields.", { currentPassword: wrong }) };
  const passwordHash = await hashPassword(next);
  const sessionVersion = await transaction(db, async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now })
      .where(eq(users.id, self.id))
      .returning({ sessionVersion: users.sessionVersion });
    await retireTokens(tx, self.id, ["password_reset"], now);
    await addCommenterEvent(tx, { userId: self.id, type: "password_changed", actorId: self.id, message: "Password changed on the account page; every other session ended", at: now });
    await enqueueMail(tx, {
      kind: "account_notice",
      dedupeKey: `password-changed:${self.id}:${now.getTime()}`,
      to: self.email,
      ...passwordChangedMessage({ siteName: SITE_NAME, name: self.name, how: "changed", resetPageUrl: absoluteUrl("/reset-password") }),
      headers: { "Auto-Submitted": "auto-generated" },
    });
    return updated!.sessionVersion;
  });
  return { ok: true, sessionVersion, state: doneForm("Your password is changed. Every other browser signed in to your account was signed out.") };
}

/**
 * `Change email`: the new address takes effect only when the link mailed to
 * it is opened. The current password is asked first. An address another
 * account uses gets the same answer here, and a message (with no link) to
 * that address, so the form does not tell who has an account.
 */
export async function requestEmailChange(
  self: Self & { hasPassword: boolean },
  formData: FormData,
  ip: string,
  proof: { signOnAt: Date | null } = { signOnAt: null },
  db: Db = getDb(),
  now = new Date(),
): Promise<ChangeFormState> {
  const typed = String(formData.get("newEmail") ?? "").slice(0, 300);
  const values = { newEmail: typed };
  if (!mailEnabled()) return invalidForm("This site cannot send mail, so it cannot confirm a new address. Ask an admin to change it.", {}, values);
  const parsed = emailField.safeParse(typed);
  if (!parsed.success) return invalidForm("Please correct the highlighted fields.", { newEmail: parsed.error.issues[0]!.message }, values);
  const address = parsed.data;
  if (address === self.email.toLowerCase()) return invalidForm("Please correct the highlighted fields.", { newEmail: "This is already your address." }, values);
  if (self.hasPassword) {
    const wrong = await checkCurrentPassword(db, self.id, String(formData.get("currentPassword") ?? ""));
    if (wrong) return invalidForm("Please correct the highlighted fields.", { currentPassword: wrong }, values);
  } else if (!proof.signOnAt || now.getTime() - proof.signOnAt.getTime() > FRESH_SIGN_ON_MS) {
    // No password to ask: a sign-on made in the last few minutes stands in for it (a stolen session alone cannot move the account).
    return invalidForm("Sign in again with single sign-on first (within the last 10 minutes), then change the address.", {}, values);
  }
  const refused = await consumeAccountForm({ ip, accountId: self.id, address });
  if (refused) return invalidForm(refused, {}, values);
  await transaction(db, async (tx) => {
    if (await emailTaken(address, tx)) {
      await enqueueMail(tx, {
        kind: "account_notice",
        dedupeKey: `address-taken:${self.id}:${now.getTime()}`,
        to: address,
        ...addressTakenMessage({ siteName: SITE_NAME, accountUrl: absoluteUrl("/account") }),
        headers: { "Auto-Submitted": "auto-generated" },
      });
    } else {
      await retireTokens(tx, self.id, ["email_change"], now);
      const { token } = await issueToken(tx, { userId: self.id, kind: "email_change", email: address, previousEmail: self.email, now });
      await enqueueMail(tx, {
        kind: "email_change",
        dedupeKey: `email-change:${hashToken(token).slice(0, 32)}`,
        to: address,
        ...emailChangeMessage({ siteName: SITE_NAME, name: self.name, link: absoluteUrl(`/confirm-email?token=${token}`), lifetimeMs: TOKEN_LIFETIME_MS.email_change, oldEmail: self.email }),
        headers: { "Auto-Submitted": "auto-generated" },
      });
    }
    await addCommenterEvent(tx, { userId: self.id, type: "email_change_requested", actorId: self.id, message: `Address change to ${address} asked; waits for the link mailed there`, at: now });
  });
  return doneForm(`We sent a link to ${address}. Your address changes when you open it (within ${Math.round(TOKEN_LIFETIME_MS.email_change / 3_600_000)} hours).`);
}

export type LinkOutcome = { ok: true; email: string } | { ok: false; problem: TokenProblem | "taken" };

/** Whether an address-change (or undo) link can be used: its page shows a button, or why not. */
export async function checkEmailLink(raw: unknown, kind: "email_change" | "email_undo", db: Db = getDb(), now = new Date()): Promise<{ ok: true; email: string } | { ok: false; problem: TokenProblem }> {
  const found = await peekToken(db, raw, kind, now);
  return found.ok ? { ok: true, email: found.row.email } : found;
}

/**
 * Opens the link mailed to the new address (a POST from its page): the
 * account moves to it (verified: the link proved it) only while it still
 * has the address it had when the change was asked. The old address is told,
 * with a link that undoes the change for a week.
 */
export async function confirmEmailChange(raw: unknown, db: Db = getDb(), now = new Date()): Promise<LinkOutcome> {
  try {
    return await transaction(db, async (tx): Promise<LinkOutcome> => {
      const claimed = await claimToken(tx, raw, "email_change", now);
      if (!claimed.ok) return claimed;
      const [account] = await tx.select().from(users).where(eq(users.id, claimed.row.userId));
      const before = claimed.row.previousEmail ?? "";
      if (!account || account.email.toLowerCase() !== before) return { ok: false, problem: "used" };
      const next = claimed.row.email;
      if (await emailTaken(next, tx)) return { ok: false, problem: "taken" };
      await tx.update(users).set({ email: next, emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, account.id));
      // Links sent to the old address (a reset, a verification) no longer fit the account.
      await retireTokens(tx, account.id, ["password_reset", "email_verification", "email_change"], now);
      const { token } = await issueToken(tx, { userId: account.id, kind: "email_undo", email: before, previousEmail: next, now });
      await enqueueMail(tx, {
        kind: "account_notice",
        dedupeKey: `email-changed:${hashToken(token).slice(0, 32)}`,
        to: before,
        ...emailChangedMessage({
          siteName: SITE_NAME,
          name: account.name,
          newEmail: next,
          undoLink: absoluteUrl(`/confirm-email?undo=1&token=${token}`),
          lifetimeMs: TOKEN_LIFETIME_MS.email_undo,
          resetPageUrl: absoluteUrl("/reset-password"),
        }),
        headers: { "Auto-Submitted": "auto-generated" },
      });
      await addCommenterEvent(tx, { userId: account.id, type: "email_changed", actorId: account.id, message: `Address changed from ${before} to ${next} (link opened)`, at: now });
      return { ok: true, email: next };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, problem: "taken" };
    throw error;
  }
}

/**
 * The undo link mailed to the old address: the account comes back to it
 * (while it still has the address the change gave it), every session of it
 * ends (whoever changed it is signed out), and links still out stop working.
 */
export async function undoEmailChange(raw: unknown, db: Db = getDb(), now = new Date()): Promise<LinkOutcome> {
  try {
    return await transaction(db, async (tx): Promise<LinkOutcome> => {
      const claimed = await claimToken(tx, raw, "email_undo", now);
      if (!claimed.ok) return claimed;
      const [account] = await tx.select().from(users).where(eq(users.id, claimed.row.userId));
      const changedTo = claimed.row.previousEmail ?? "";
      if (!account || account.email.toLowerCase() !== changedTo) return { ok: false, problem: "used" };
      const back = claimed.row.email;
      if (await emailTaken(back, tx)) return { ok: false, problem: "taken" };
      // Whoever moved the address may have set a password through it since, or linked a sign-on:
      // neither survives the undo (the owner sets a new password through the address now theirs again).
      const since = claimed.row.createdAt;
      const passwordSince = await tx
        .select({ id: commenterEvents.id })
        .from(commenterEvents)
        .where(and(eq(commenterEvents.userId, account.id), inArray(commenterEvents.type, ["password_reset", "password_changed"]), gt(commenterEvents.createdAt, since)))
        .limit(1);
      await tx
        .update(users)
        .set({
          email: back,
          emailVerifiedAt: now,
          sessionVersion: sql`${users.sessionVersion} + 1`,
          ...(passwordSince.length > 0 ? { passwordHash: null } : {}),
          updatedAt: now,
        })
        .where(eq(users.id, account.id));
      await retireTokens(tx, account.id, ["password_reset", "email_verification", "email_change"], now);
      await removeIdentities(tx, account.id, "the address change was undone from the old address", { since }, now);
      await addCommenterEvent(tx, {
        userId: account.id,
        type: "email_change_undone",
        actorId: null,
        message: `Address change undone from the old address: back from ${changedTo} to ${back}; every session ended`,
        at: now,
      });
      return { ok: true, email: back };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, problem: "taken" };
    throw error;
  }
}

/**
 * `Change name` (the display name): at most once a day, decided by one
 * conditional update (two at once change it once). Recorded in the
 * account's history, with both names, for moderators.
 */
export async function changeName(self: Self, formData: FormData, db: Db = getDb(), now = new Date()): Promise<ChangeFormState> {
  const typed = String(formData.get("name") ?? "").slice(0, 300);
  const values = { name: typed };
  const parsed = nameField.safeParse(typed);
  if (!parsed.success) return invalidForm("Please correct the highlighted fields.", { name: parsed.error.issues[0]!.message }, values);
  const name = parsed.data;
  if (name === self.name) return invalidForm("Please correct the highlighted fields.", { name: "This is already your name." }, values);
  return transaction(db, async (tx) => {
    const changed = await tx
      .update(users)
      .set({ name, nameChangedAt: now, updatedAt: now })
      .where(and(eq(users.id, self.id), or(isNull(users.nameChangedAt), lte(users.nameChangedAt, new Date(now.getTime() - DAY_MS)))))
      .returning({ id: users.id });
    if (changed.length === 0) {
      const [account] = await tx.select({ nameChangedAt: users.nameChangedAt }).from(users).where(eq(users.id, self.id));
      const next = new Date((account?.nameChangedAt?.getTime() ?? now.getTime()) + DAY_MS);
      return invalidForm(`You can change your name once a day: again after ${formatDateTime(next)}.`, {}, values);
    }
    await addCommenterEvent(tx, { userId: self.id, type: "renamed", actorId: self.id, message: `Name changed from “${self.name}” to “${name}” by its owner`, at: now });
    return doneForm(`Your name is now ${name}.`, { name });
  });
}
