/**
 * Reader accounts on both stores, with the real messages read from the local
 * SMTP server (the mail job sends them) and the local Akismet server:
 * - "Forgot your password?": the same answer for an address with or without
 *   an account; a link that works once (even sent twice at once), for an
 *   hour, for the account and address it was sent for; other sessions end;
 *   a hundred requests at once stay within the limit;
 * - verified addresses: the hold "Email not verified", and the comment
 *   checked with Akismet again when the link is opened;
 * - the account's own changes: address (with its undo), name once a day
 *   (two at once change it once), password; deleting the account.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { accountTokens, erasures, userIdentities, users } from "@/db/schema";
import { changeName, changePassword, confirmEmailChange, requestEmailChange, undoEmailChange } from "@/lib/accounts/changes";
import { deleteOwnAccount } from "@/lib/accounts/closing";
import { requestPasswordReset, resetPassword } from "@/lib/accounts/password-reset";
import { resolveSignOn } from "@/lib/accounts/sign-on";
import { registerReader } from "@/lib/accounts/registration";
import { TOKEN_LIFETIME_MS } from "@/lib/accounts/tokens";
import { verifyEmail } from "@/lib/accounts/verification";
import { upsertAccount } from "@/lib/auth/users";
import { verifyPassword } from "@/lib/auth/password";
import { execute, getDb, sql } from "@/lib/db";
import { recheckComments } from "@/lib/jobs/akismet-retry";
import { processMailOutbox } from "@/lib/jobs/mail-outbox";
import { closeTransport } from "@/lib/mail/transport";
import { updateSettings } from "@/lib/settings";
import { startLocalSmtp, type LocalSmtp } from "../../scripts/smtp-local/server";
import { useLocalAkismet } from "../support/akismet";
import { getComment, postComment } from "../support/comments";
import { createArticle } from "../support/factories";

useLocalAkismet();
let smtp: LocalSmtp;
let n = 0;

beforeAll(async () => {
  smtp = await startLocalSmtp({ smtpPort: 0, httpPort: 0, log: false });
  process.env.SMTP_URL = smtp.smtpUrl;
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(async () => {
  closeTransport();
  await smtp.close();
});
beforeEach(async () => {
  process.env.SMTP_URL = smtp.smtpUrl;
  smtp.messages.length = 0;
  await execute(getDb(), sql`delete from mail_outbox`);
  await execute(getDb(), sql`delete from rate_limits`);
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 0, accountMailPerAddressPerHour: 3, accountFormsPerNetworkPerHour: 1000 });
});

/** An account with a password, its address verified (as the command line makes them). */
async function account(password = "the first passphrase") {
  n += 1;
  const email = `reader${n}-${crypto.randomBytes(3).toString("hex")}@example.com`;
  const { id } = await upsertAccount({ email, password, role: "reader", name: `Reader ${n}` });
  return { id, email, name: `Reader ${n}`, password };
}

/** Sends what the outbox holds and answers the messages the SMTP server received for an address. */
async function mailTo(address: string) {
  await processMailOutbox();
  return smtp.messages.filter((m) => m.envelope.to.includes(address));
}

function linkToken(text: string, path: string): string {
  const match = new RegExp(`http://localhost:3000${path.replace(/[?]/g, "\\?")}(?:undo=1&)?token=([\\w-]{43})`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return match[1]!;
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function sessionVersion(id: number): Promise<number> {
  const [row] = await getDb().select({ v: users.sessionVersion }).from(users).where(eq(users.id, id));
  return row!.v;
}

describe("forgot password", () => {
  it("answers the same for an address with and without an account, and mails each; links use SITE_URL and only the token's hash is stored", async () => {
    const known = await account();
    const unknown = `nobody-${n}@example.com`;
    const a = await requestPasswordReset(known.email, "198.51.100.1");
    const b = await requestPasswordReset(unknown, "198.51.100.1");
    expect(a.status).toBe("sent");
    expect({ ...a, message: a.message!.replace(known.email, "X"), email: "" }).toEqual({ ...b, message: b.message!.replace(unknown, "X"), email: "" });

    const [toKnown] = await mailTo(known.email);
    const [toUnknown] = await mailTo(unknown);
    expect(toKnown!.subject).toBe(toUnknown!.subject);
    expect(toUnknown!.text).toContain("no account uses it");
    expect(toUnknown!.text).not.toMatch(/reset-password\?token=/);
    expect(toKnown!.html).toContain("Set a new password");
    const token = linkToken(toKnown!.text, "/reset-password?");
    const stored = await getDb().select().from(accountTokens).where(eq(accountTokens.userId, known.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]!.expiresAt.getTime() - stored[0]!.createdAt.getTime()).toBe(60 * 60 * 1000);
  });

  it("sets the password once even when the link is sent twice at once; every session ends; the link then says it was used", async () => {
    const reader = await account();
    await requestPasswordReset(reader.email, "198.51.100.2");
    const token = linkToken((await mailTo(reader.email))[0]!.text, "/reset-password?");
    const before = await sessionVersion(reader.id);
    const fields = { token, password: "a second passphrase", confirm: "a second passphrase" };
    const results = await Promise.all([resetPassword(form(fields), "198.51.100.2"), resetPassword(form(fields), "198.51.100.2")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok)!;
    expect(refused.ok === false && refused.state.problem).toBe("used");
    expect(await sessionVersion(reader.id)).toBe(before + 1);
    const [row] = await getDb().select().from(users).where(eq(users.id, reader.id));
    expect(await verifyPassword(row!.passwordHash, "a second passphrase")).toBe(true);
    const again = await resetPassword(form({ token, password: "a third passphrase!", confirm: "a third passphrase!" }), "198.51.100.2");
    expect(again.ok === false && again.state.problem).toBe("used");
  });

  it("refuses an expired link, a link of another kind, a mistyped one, and one sent before the account's address changed", async () => {
    const reader = await account();
    await requestPasswordReset(reader.email, "198.51.100.3");
    const token = linkToken((await mailTo(reader.email))[0]!.text, "/reset-password?");
    const later = new Date(Date.now() + TOKEN_LIFETIME_MS.password_reset + 1000);
    const fields = { token, password: "a second passphrase", confirm: "a second passphrase" };
    const expired = await resetPassword(form(fields), "198.51.100.3", getDb(), later);
    expect(expired.ok === false && expired.state.problem).toBe("expired");
    const mistyped = await resetPassword(form({ ...fields, token: token.slice(0, 42) + (token.endsWith("A") ? "B" : "A") }), "198.51.100.3");
    expect(mistyped.ok === false && mistyped.state.problem).toBe("unknown");
    // A typo in the new password does not use up the link.
    const typo = await resetPassword(form({ token, password: "a second passphrase", confirm: "a second passphrase." }), "198.51.100.3");
    expect(typo.ok === false && typo.state.fieldErrors.confirm).toBe("The two passwords are not the same.");
    // The address moves (a token sent for the old one opens nothing), and a verification link is no reset link.
    await getDb().update(users).set({ email: `moved-${reader.email}` }).where(eq(users.id, reader.id));
    const moved = await resetPassword(form(fields), "198.51.100.3");
    expect(moved.ok === false && moved.state.problem).toBe("used");
    const other = await account();
    await getDb().update(users).set({ emailVerifiedAt: null }).where(eq(users.id, other.id));
    const registered = await registerReader(form({ name: "Vera", email: `vera-${n}@example.com`, password: "vera's passphrase" }), "198.51.100.3");
    expect(registered.ok).toBe(true);
    const verifyToken = linkToken((await mailTo(`vera-${n}@example.com`))[0]!.text, "/verify-email?");
    const wrongKind = await resetPassword(form({ ...fields, token: verifyToken }), "198.51.100.3");
    expect(wrongKind.ok === false && wrongKind.state.problem).toBe("unknown");
  });

  it("lets through exactly the limit of a hundred requests at once for one address", async () => {
    const reader = await account();
    const answers = await Promise.all(Array.from({ length: 100 }, () => requestPasswordReset(reader.email, "198.51.100.4")));
    expect(answers.filter((a) => a.status === "sent")).toHaveLength(3);
    expect(answers.filter((a) => a.status === "limited")).toHaveLength(97);
    expect(answers.find((a) => a.status === "limited")!.message).toMatch(/^Too many messages were asked for this address recently\. Try again in \d+ minutes?\.$/);
    expect(await getDb().$count(accountTokens, eq(accountTokens.userId, reader.id))).toBe(3);
    expect(await mailTo(reader.email)).toHaveLength(3);
  });
});

describe("verified addresses", () => {
  it("holds an unverified account's comment as Email not verified; the link verifies it, and the comment is checked by Akismet again and published", async () => {
    const email = `new-${n++}@example.com`;
    const registered = await registerReader(form({ name: "Nia New", email, password: "nia's passphrase" }), "198.51.100.5");
    expect(registered.ok && registered.id).toBeGreaterThan(0);
    const id = registered.ok ? registered.id! : 0;
    const [message] = await mailTo(email);
    expect(message!.subject).toBe("Verify your email address for The Newsroom");
    const article = await createArticle();
    const user = { id, name: "Nia New", email, role: "reader" as const, emailVerified: false };
    const held = await postComment(article, { content: "My first words here, all fine." }, { user });
    const alsoHeld = await postComment(article, { content: "Another thought, also fine." }, { user });
    expect(held.ok && held.status).toBe("pending");
    expect((await getComment(held.ok ? held.commentId : 0)).statusReason).toBe("Email not verified");

    const token = linkToken(message!.text, "/verify-email?");
    const verified = await verifyEmail(token);
    expect(verified.ok).toBe(true);
    const ids = verified.ok ? verified.recheck : [];
    expect(ids).toEqual([held.ok ? held.commentId : 0, alsoHeld.ok ? alsoHeld.commentId : 0]);
    const summary = await recheckComments({ onlyIds: ids, ignoreSchedule: true });
    expect(summary).toMatchObject({ checked: 2, approved: 2 });
    const after = await getComment(held.ok ? held.commentId : 0);
    expect(after).toMatchObject({ status: "approved", statusReason: "Akismet: not spam", spamCheckState: "checked" });
    expect(await verifyEmail(token)).toEqual({ ok: false, problem: "used" });
  });

  it("keeps a comment held when another rule holds it too, and leaves a moderator's decision alone", async () => {
    const email = `kept-${n++}@example.com`;
    const registered = await registerReader(form({ name: "Kit", email, password: "kit's passphrase!" }), "198.51.100.6");
    const id = registered.ok ? registered.id! : 0;
    const [message] = await mailTo(email);
    await updateSettings({ holdWords: ["mango"] });
    const article = await createArticle();
    const user = { id, name: "Kit", email, role: "reader" as const, emailVerified: false };
    const both = await postComment(article, { content: "A word about mango season." }, { user });
    const cid = both.ok ? both.commentId : 0;
    expect((await getComment(cid)).statusReason).toBe("Email not verified; Held: hold word “mango”");
    const verified = await verifyEmail(linkToken(message!.text, "/verify-email?"));
    await recheckComments({ onlyIds: verified.ok ? verified.recheck : [], ignoreSchedule: true });
    expect(await getComment(cid)).toMatchObject({ status: "pending", statusReason: "Held: hold word “mango”" });
    await updateSettings({ holdWords: [] });
  });
});

describe("taking an account back through its mailbox", () => {
  it("removes every single sign-on link when a new password is set with a reset link (a provider account made with someone else's address keeps no way in)", async () => {
    const email = `victim-${n++}@example.com`;
    const made = await resolveSignOn({ iss: "https://id.example.com", sub: `squatter-${n}`, email, email_verified: false });
    if (made.kind !== "account") throw new Error("not made");
    await requestPasswordReset(email, "198.51.100.9");
    const reset = (await mailTo(email)).find((m) => m.subject === "Set a new password for The Newsroom")!;
    const done = await resetPassword(form({ token: linkToken(reset.text, "/reset-password?"), password: "the owner's passphrase", confirm: "the owner's passphrase" }), "198.51.100.9");
    expect(done.ok).toBe(true);
    expect(await getDb().$count(userIdentities, eq(userIdentities.userId, made.userId))).toBe(0);
    // The provider account now meets an account with its address: it waits for that account's password.
    expect((await resolveSignOn({ iss: "https://id.example.com", sub: `squatter-${n}`, email, email_verified: false })).kind).toBe("link");
  });

  it("asks an account without a password for a recent sign-on before moving its address; undoing a move removes a password and links made since", async () => {
    const email = `sso-only-${n++}@example.com`;
    const made = await resolveSignOn({ iss: "https://id.example.com", sub: `owner-${n}`, email, email_verified: true });
    if (made.kind !== "account") throw new Error("not made");
    const self = { id: made.userId, name: "Owner", email, hasPassword: false };
    const thief = `thief-${n}@example.com`;
    const stale = await requestEmailChange(self, form({ newEmail: thief }), "198.51.100.10", { signOnAt: new Date(Date.now() - 11 * 60 * 1000) });
    expect(stale.message).toMatch(/^Sign in again with single sign-on first/);
    expect(await mailTo(thief)).toHaveLength(0);
    // With a fresh sign-on it is asked; say a thief did it, then set a password through the new address.
    expect((await requestEmailChange(self, form({ newEmail: thief }), "198.51.100.10", { signOnAt: new Date() })).status).toBe("done");
    expect(await confirmEmailChange(linkToken((await mailTo(thief))[0]!.text, "/confirm-email?"))).toMatchObject({ ok: true });
    await requestPasswordReset(thief, "198.51.100.10");
    const reset = (await mailTo(thief)).find((m) => m.subject === "Set a new password for The Newsroom")!;
    expect((await resetPassword(form({ token: linkToken(reset.text, "/reset-password?"), password: "the thief's passphrase", confirm: "the thief's passphrase" }), "198.51.100.10")).ok).toBe(true);
    const undo = (await mailTo(email)).find((m) => m.subject === "Your email address on The Newsroom was changed")!;
    expect(await undoEmailChange(linkToken(undo.text, "/confirm-email?"))).toEqual({ ok: true, email });
    const [row] = await getDb().select().from(users).where(eq(users.id, made.userId));
    expect(row).toMatchObject({ email, passwordHash: null });
  });
});

describe("the account's own changes", () => {
  it("moves the account to a new address only when its link is opened; the old address gets an undo that ends every session", async () => {
    const reader = await account();
    const self = { id: reader.id, name: reader.name, email: reader.email, hasPassword: true };
    const next = `next-${reader.email}`;
    const wrong = await requestEmailChange(self, form({ newEmail: next, currentPassword: "not it at all" }), "198.51.100.7");
    expect(wrong.fieldErrors.currentPassword).toBe("That is not your current password.");
    const asked = await requestEmailChange(self, form({ newEmail: next, currentPassword: reader.password }), "198.51.100.7");
    expect(asked.status).toBe("done");
    const [row] = await getDb().select().from(users).where(eq(users.id, reader.id));
    expect(row!.email).toBe(reader.email);

    const token = linkToken((await mailTo(next))[0]!.text, "/confirm-email?");
    expect(await confirmEmailChange(token)).toEqual({ ok: true, email: next });
    const [moved] = await getDb().select().from(users).where(eq(users.id, reader.id));
    expect(moved!.email).toBe(next);
    const before = await sessionVersion(reader.id);
    const notice = (await mailTo(reader.email)).find((m) => m.subject === "Your email address on The Newsroom was changed")!;
    expect(notice.text).toContain(next);
    expect(await undoEmailChange(linkToken(notice.text, "/confirm-email?"))).toEqual({ ok: true, email: reader.email });
    const [back] = await getDb().select().from(users).where(eq(users.id, reader.id));
    expect(back!.email).toBe(reader.email);
    expect(await sessionVersion(reader.id)).toBe(before + 1);
  });

  it("answers the same for an address another account uses, and tells that address without a link", async () => {
    const reader = await account();
    const other = await account();
    const state = await requestEmailChange({ ...reader, hasPassword: true }, form({ newEmail: other.email, currentPassword: reader.password }), "198.51.100.8");
    expect(state).toEqual({ status: "done", message: expect.stringContaining(`We sent a link to ${other.email}.`), fieldErrors: {}, values: {} });
    const [told] = await mailTo(other.email);
    expect(told!.text).toContain("another account already uses it");
    expect(told!.text).not.toMatch(/token=/);
  });

  it("changes the name once a day, even when asked twice at once, and records it", async () => {
    const reader = await account();
    const self = { id: reader.id, name: reader.name, email: reader.email };
    const [a, b] = await Promise.all([changeName(self, form({ name: "First New Name" })), changeName(self, form({ name: "Second New Name" }))]);
    expect([a.status, b.status].sort()).toEqual(["done", "invalid"]);
    const refused = a.status === "invalid" ? a : b;
    expect(refused.message).toMatch(/^You can change your name once a day: again after /);
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000 + 1000);
    const [row] = await getDb().select().from(users).where(eq(users.id, reader.id));
    expect((await changeName({ ...self, name: row!.name }, form({ name: "Third Name" }), getDb(), tomorrow)).status).toBe("done");
  });

  it("changes the password behind the current one, ends every session, and tells the address", async () => {
    const reader = await account();
    const before = await sessionVersion(reader.id);
    const wrong = await changePassword(reader, form({ currentPassword: "nope nope nope", newPassword: "a new passphrase" }));
    expect(wrong.ok === false && wrong.state.fieldErrors.currentPassword).toBe("That is not your current password.");
    const done = await changePassword(reader, form({ currentPassword: reader.password, newPassword: "a new passphrase" }));
    expect(done.ok && done.sessionVersion).toBe(before + 1);
    const told = await mailTo(reader.email);
    expect(told.map((m) => m.subject)).toContain("Your password on The Newsroom was changed");
  });

  it("deletes a reader's account behind its password and logs the erasure without personal data; staff are refused", async () => {
    const reader = await account();
    const article = await createArticle();
    const posted = await postComment(article, { content: "Something to erase." }, { user: { id: reader.id, name: reader.name, email: reader.email, role: "reader" } });
    const self = { id: reader.id, email: reader.email, role: "reader", hasPassword: true };
    const unconfirmed = await deleteOwnAccount(self, form({ password: reader.password }), { signOnAt: null });
    expect(unconfirmed.ok).toBe(false);
    const done = await deleteOwnAccount(self, form({ password: reader.password, confirm: "yes" }), { signOnAt: null });
    expect(done.ok && done.summary.commentsErased).toBe(1);
    expect(await getDb().$count(users, eq(users.id, reader.id))).toBe(0);
    await expect(getComment(posted.ok ? posted.commentId : 0)).rejects.toThrow();
    const [audit] = await getDb().select().from(erasures).orderBy(sql`id desc`).limit(1);
    expect(audit).toMatchObject({ via: "account", commentsErased: 1 });
    expect(JSON.stringify(audit)).not.toContain(reader.email);
    const editor = await upsertAccount({ email: `editor-${n}@example.com`, password: "an editor's passphrase", role: "editor" });
    const refused = await deleteOwnAccount({ id: editor.id, email: `editor-${n}@example.com`, role: "editor", hasPassword: true }, form({ password: "an editor's passphrase", confirm: "yes" }), { signOnAt: null });
    expect(refused.ok).toBe(false);
    expect(await getDb().$count(users, eq(users.id, editor.id))).toBe(1);
  });
});
