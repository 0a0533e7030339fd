import { and, eq, notInArray } from "drizzle-orm";
import { describe, expect, it, beforeEach } from "vitest";
import { comments, users } from "@/db/schema";
import { authorizeCredentials } from "@/lib/auth/options";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import {
  adminExists,
  changeRole,
  createAccount,
  deleteAccount,
  getAccountById,
  setBanned,
  upsertAccount,
} from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { countComments, postComment } from "../support/comments";
import { createArticle, createComment } from "../support/factories";

let n = 0;
async function account(role: "reader" | "editor" | "moderator" | "admin", password = "a long enough password") {
  n += 1;
  const email = `acct${n}@example.com`;
  const created = await createAccount({ name: `Account ${n}`, email, password, role });
  if (!created.ok) throw new Error(created.reason);
  return { id: created.id, email, password };
}

const headers = (ip: string) => ({ "x-newsroom-peer-ip": ip });

beforeEach(async () => {
  await updateSettings({ signInMaxPerAccountAndIp: 3, signInMaxPerAccountAllIps: 100, signInMaxPerIp: 50, signInWindowMinutes: 15 });
});

describe("passwords", () => {
  it("are stored as argon2id hashes and verified", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "Correct horse battery")).toBe(false);
    expect(await verifyPassword(null, "anything")).toBe(false);
    expect(await verifyPassword("not a hash", "anything")).toBe(false);
  });
});

describe("signing in (the Credentials provider's authorize)", () => {
  it("accepts the right password, case-insensitively on the email, and records the time", async () => {
    const a = await account("reader");
    const user = await authorizeCredentials({ email: a.email.toUpperCase(), password: a.password }, headers("198.51.100.1"));
    expect(user).toMatchObject({ id: String(a.id), email: a.email, sv: 0 });
    expect((await getAccountById(a.id))?.lastSignInAt).toBeInstanceOf(Date);
  });

  it("answers an unknown email and a wrong password the same way", async () => {
    const a = await account("reader");
    expect(await authorizeCredentials({ email: a.email, password: "wrong password" }, headers("198.51.100.2"))).toBeNull();
    expect(await authorizeCredentials({ email: "nobody@example.com", password: "wrong password" }, headers("198.51.100.2"))).toBeNull();
  });

  it("limits failures per account from one IP, and a success there clears the count", async () => {
    const a = await account("reader");
    const ip = "198.51.100.10";
    for (let i = 0; i < 2; i++) expect(await authorizeCredentials({ email: a.email, password: "nope" }, headers(ip))).toBeNull();
    // Under the limit, the right password still works and resets the count.
    expect(await authorizeCredentials({ email: a.email, password: a.password }, headers(ip))).not.toBeNull();
    for (let i = 0; i < 3; i++) expect(await authorizeCredentials({ email: a.email, password: "nope" }, headers(ip))).toBeNull();
    await expect(authorizeCredentials({ email: a.email, password: a.password }, headers(ip))).rejects.toThrow(
      /^Too many sign-in attempts\. Try again in 15 minutes\. You can still sign in from another device or network you usually use\. If you have forgotten your password, ask an admin of this site to set a new one\.$/,
    );
  });

  it("verifies at most the allowed number of parallel guesses", async () => {
    const a = await account("reader");
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => authorizeCredentials({ email: a.email, password: `guess ${i}` }, headers("198.51.100.50"))),
    );
    // A "wrong password" answer (null) means the password was checked; the rest were refused before any check.
    const checked = results.filter((r) => r.status === "fulfilled" && r.value === null).length;
    const refused = results.filter((r) => r.status === "rejected" && /^Too many sign-in attempts/.test(String((r.reason as Error).message))).length;
    expect(checked).toBe(3);
    expect(refused).toBe(22);
  });

  it("does not lock the owner out when someone else burns the limit from their address", async () => {
    const a = await account("reader");
    const attacker = headers("203.0.113.66");
    await Promise.allSettled(Array.from({ length: 10 }, (_, i) => authorizeCredentials({ email: a.email, password: `guess ${i}` }, attacker)));
    await expect(authorizeCredentials({ email: a.email, password: a.password }, attacker)).rejects.toThrow(/Too many sign-in attempts/);
    // The owner, from their own network, signs in.
    expect(await authorizeCredentials({ email: a.email, password: a.password }, headers("198.51.100.77"))).toMatchObject({ id: String(a.id) });
  });

  it("caps failures per account across all IPs", async () => {
    await updateSettings({ signInMaxPerAccountAllIps: 6 });
    const a = await account("reader");
    for (let i = 0; i < 6; i++) expect(await authorizeCredentials({ email: a.email, password: "nope" }, headers(`198.51.100.${120 + i}`))).toBeNull();
    await expect(authorizeCredentials({ email: a.email, password: a.password }, headers("198.51.100.140"))).rejects.toThrow(
      /^Too many sign-in attempts\. Try again in 15 minutes\. If you have forgotten your password, ask an admin of this site to set a new one\.$/,
    );
  });

  it("limits failures per IP across accounts", async () => {
    await updateSettings({ signInMaxPerIp: 4 });
    const ip = "198.51.100.99";
    for (let i = 0; i < 4; i++) await authorizeCredentials({ email: `guess${i}@example.com`, password: "nope" }, headers(ip));
    const a = await account("reader");
    await expect(authorizeCredentials({ email: a.email, password: a.password }, headers(ip))).rejects.toThrow(/Too many sign-in attempts/);
    expect(await authorizeCredentials({ email: a.email, password: a.password }, headers("198.51.100.100"))).not.toBeNull();
  });

  it("refuses a banned account after a correct password", async () => {
    const admin = await account("admin");
    const a = await account("reader");
    expect(await setBanned(admin.id, a.id, true)).toMatchObject({ ok: true });
    await expect(authorizeCredentials({ email: a.email, password: a.password }, headers("198.51.100.3"))).rejects.toThrow(
      "This account has been suspended.",
    );
  });
});

describe("account management", () => {
  it("refuses a duplicate email, whatever its case", async () => {
    const a = await account("reader");
    expect(await createAccount({ name: "Again", email: a.email.toUpperCase(), password: "another password", role: "reader" })).toEqual({
      ok: false,
      reason: "email_taken",
    });
  });

  it("makes one first admin only", async () => {
    const before = await adminExists();
    const first = await createAccount({ name: "First", email: `first${n}@example.com`, password: "a long enough password", role: "admin", onlyIfNoAdmin: true });
    expect(first.ok).toBe(!before);
    const second = await createAccount({ name: "Second", email: `second${n}@example.com`, password: "a long enough password", role: "admin", onlyIfNoAdmin: true });
    expect(second).toEqual({ ok: false, reason: "admin_exists" });
  });

  it("ends sessions on role changes and bans, and protects the acting admin", async () => {
    const admin = await account("admin");
    const a = await account("reader");
    expect(await changeRole(admin.id, a.id, "editor")).toMatchObject({ ok: true });
    expect(await getAccountById(a.id)).toMatchObject({ role: "editor", sessionVersion: 1 });
    expect(await setBanned(admin.id, a.id, true)).toMatchObject({ ok: true });
    expect(await getAccountById(a.id)).toMatchObject({ banned: true, sessionVersion: 2 });
    expect(await changeRole(admin.id, admin.id, "reader")).toMatchObject({ ok: false, message: "You cannot change your own role." });
    expect(await setBanned(admin.id, admin.id, true)).toMatchObject({ ok: false });
    expect(await deleteAccount(admin.id, admin.id, "keep")).toMatchObject({ ok: false });
    expect(await getAccountById(admin.id)).toMatchObject({ role: "admin", banned: false });
  });

  it("keeps a deleted account's comments as guest comments, or removes them", async () => {
    const admin = await account("admin");
    const article = await createArticle();
    const keep = await account("reader");
    const remove = await account("reader");
    const kept = await createComment(article.id, { userId: keep.id, authorName: "Kept Author", authorEmail: keep.email });
    await createComment(article.id, { userId: remove.id });
    await createComment(article.id, { userId: remove.id });
    const total = await countComments();

    expect(await deleteAccount(admin.id, keep.id, "keep")).toMatchObject({ ok: true });
    const [row] = await getDb().select({ user_id: comments.userId, author_name: comments.authorName }).from(comments).where(eq(comments.id, kept.id));
    expect(row).toEqual({ user_id: null, author_name: "Kept Author" });
    expect(await countComments()).toBe(total);

    expect(await deleteAccount(admin.id, remove.id, "remove")).toMatchObject({ ok: true, message: expect.stringContaining("2 comments") });
    expect(await countComments()).toBe(total - 2);
    expect(await getAccountById(remove.id)).toBeNull();
  });

  it("upserts from the command line and ends the old sessions", async () => {
    const created = await upsertAccount({ email: `cli${n}@example.com`, password: "first password here", role: "editor" });
    expect(created.created).toBe(true);
    const updated = await upsertAccount({ email: `CLI${n}@example.com`, password: "second password here", role: "moderator", name: "Mo" });
    expect(updated).toEqual({ id: created.id, created: false });
    expect(await getAccountById(created.id)).toMatchObject({ role: "moderator", name: "Mo", sessionVersion: 1 });
  });
});

describe("account changes at the same time", () => {
  it("gives an email to one of two sign-ups racing for it", async () => {
    n += 1;
    const email = `race${n}@example.com`;
    const results = await Promise.all(
      [email, email.toUpperCase()].map((e, i) => createAccount({ name: `Racer ${i}`, email: e, password: "a long enough password", role: "reader" })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "email_taken" });
  });

  it("never removes the last active admin, even when two admins demote each other at once", async () => {
    const a = await account("admin");
    const b = await account("admin");
    // Only these two admins are left active.
    await getDb()
      .update(users)
      .set({ role: "reader" })
      .where(and(eq(users.role, "admin"), notInArray(users.id, [a.id, b.id])));
    const results = await Promise.all([changeRole(a.id, b.id, "reader"), changeRole(b.id, a.id, "reader")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, message: "The last admin cannot be demoted.", notice: { code: "last_admin_demote" } });
    expect(await getDb().$count(users, and(eq(users.role, "admin"), eq(users.banned, false)))).toBe(1);
  });
});

describe("signed-in commenting", () => {
  it("approves editors, moderators and admins without asking Akismet", async () => {
    const article = await createArticle();
    for (const role of ["editor", "moderator", "admin"] as const) {
      const a = await account(role);
      const result = await postComment(article, { name: undefined, email: undefined }, { user: { id: a.id, name: `Account`, email: a.email, role } });
      expect(result).toMatchObject({ ok: true, status: "approved" });
      if (result.ok) {
        const [row] = await getDb()
          .select({ user_id: comments.userId, spam_check_state: comments.spamCheckState, status_reason: comments.statusReason })
          .from(comments)
          .where(eq(comments.id, result.commentId));
        expect(row).toEqual({ user_id: a.id, spam_check_state: "skipped", status_reason: "Approved: trusted role" });
      }
    }
  });

  it("lets a reader whose earlier comment was approved skip the first-time hold", async () => {
    await updateSettings({ holdFirstTime: true, floodSeconds: 0 });
    try {
      const article = await createArticle();
      const a = await account("reader");
      const user = { id: a.id, name: "Rita", email: a.email, role: "reader" as const };
      const first = await postComment(article, {}, { user });
      expect(first).toMatchObject({ ok: true, status: "pending" });
      if (!first.ok) return;
      await getDb().update(comments).set({ status: "approved" }).where(eq(comments.id, first.commentId));
      // Akismet is not configured in this file: with the hold gone, a reader's comment passes on local defences.
      const second = await postComment(article, {}, { user });
      expect(second).toMatchObject({ ok: true, status: "approved" });
    } finally {
      await updateSettings({ holdFirstTime: false, floodSeconds: 15 });
    }
  });
});
