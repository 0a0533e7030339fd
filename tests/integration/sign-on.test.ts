/**
 * Single sign-on's decisions on both stores (lib/accounts/sign-on.ts): which
 * account a provider identity reaches, when one is made, when a link waits
 * for a password, and that the pending link cannot be forged or moved to
 * another account. (The protocol itself, against the real local provider,
 * is in e2e/sign-on.spec.ts and tests/integration/oidc-local.test.ts.)
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commenterEvents, userIdentities, users } from "@/db/schema";
import { completePendingLink, decodePendingLink, encodePendingLink, resolveSignOn, unlinkIdentity } from "@/lib/accounts/sign-on";
import { upsertAccount } from "@/lib/auth/users";
import { getDb } from "@/lib/db";

const ISSUER = "https://id.example.com";
let n = 0;
const sub = () => `subject-${++n}-${Date.now()}`;

async function accountOf(email: string) {
  const [row] = await getDb().select().from(users).where(eq(users.email, email));
  return row;
}

describe("single sign-on", () => {
  it("makes a reader on a first sign-in (never another role), verified only when the provider says so; a second reaches the same account", async () => {
    const subject = sub();
    const first = await resolveSignOn({ iss: ISSUER, sub: subject, email: `Ann${n}@Example.com`, email_verified: true, name: "Ann", role: "admin" } as never);
    expect(first.kind).toBe("account");
    const ann = await accountOf(`ann${n}@example.com`);
    expect(ann).toMatchObject({ role: "reader", name: "Ann", passwordHash: null });
    expect(ann!.emailVerifiedAt).not.toBeNull();
    const second = await resolveSignOn({ iss: ISSUER, sub: subject, email: `ann${n}@example.com`, email_verified: true });
    expect(second).toEqual(first);
    // The same subject at another issuer is another identity.
    const elsewhere = await resolveSignOn({ iss: "https://other.example.com", sub: subject, email: `ann${n}@example.com`, email_verified: true });
    expect(elsewhere.kind).toBe("link");

    const unverified = await resolveSignOn({ iss: ISSUER, sub: sub(), email: `carl${n}@example.com`, email_verified: "true" });
    expect(unverified.kind).toBe("account");
    expect((await accountOf(`carl${n}@example.com`))!.emailVerifiedAt).toBeNull();
    expect(await resolveSignOn({ iss: ISSUER, sub: sub() })).toEqual({ kind: "refused", reason: "no_email" });
    expect(await resolveSignOn({ sub: sub(), email: "x@example.com" })).toEqual({ kind: "refused", reason: "invalid" });
  });

  it("makes one account when the same first sign-in arrives twice at once", async () => {
    const subject = sub();
    const claims = { iss: ISSUER, sub: subject, email: `twice${n}@example.com`, email_verified: true };
    const [a, b] = await Promise.all([resolveSignOn(claims), resolveSignOn(claims)]);
    expect(a).toEqual(b);
    expect(await getDb().$count(users, eq(users.email, `twice${n}@example.com`))).toBe(1);
    expect(await getDb().$count(userIdentities, eq(userIdentities.subject, subject))).toBe(1);
  });

  it("never signs in to a password account with the same address: the link waits for its password, for that account only", async () => {
    const email = `bob${++n}@example.com`;
    const bob = await upsertAccount({ email, password: "bob's own passphrase", role: "reader" });
    const decision = await resolveSignOn({ iss: ISSUER, sub: sub(), email: email.toUpperCase(), email_verified: true });
    expect(decision.kind).toBe("link");
    if (decision.kind !== "link") return;
    const cookie = encodePendingLink(decision.link);
    // Forged or stale cookies are nothing.
    const [payload, signature] = cookie.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decision.link, email: "someone@example.com" })).toString("base64url");
    expect(decodePendingLink(`${forged}.${signature}`)).toBeNull();
    expect(decodePendingLink(`${payload}.${signature!.slice(1)}x`)).toBeNull();
    expect(decodePendingLink(cookie, decision.link.expiresAt + 1)).toBeNull();
    const link = decodePendingLink(cookie)!;
    // Another account signing in with its own password does not get it.
    const other = await upsertAccount({ email: `other${n}@example.com`, password: "another passphrase", role: "reader" });
    expect(await completePendingLink({ id: other.id, email: `other${n}@example.com` }, link)).toBe("not_linked");
    expect(await completePendingLink({ id: bob.id, email }, link)).toBe("linked");
    expect(await completePendingLink({ id: bob.id, email }, link)).toBe("not_linked");
    // From now on the identity reaches Bob's account, whose role stays its own.
    expect(await resolveSignOn({ iss: ISSUER, sub: link.subject, email, email_verified: true })).toEqual({ kind: "account", userId: bob.id });
    expect((await accountOf(email))!.role).toBe("reader");
    const events = await getDb().select({ type: commenterEvents.type }).from(commenterEvents).where(eq(commenterEvents.userId, bob.id));
    expect(events.map((e) => e.type)).toContain("sign_on_linked");
  });

  it("never links a sign-on to a staff account, even with its password", async () => {
    const email = `staff${++n}@example.com`;
    const staff = await upsertAccount({ email, password: "the editor's passphrase", role: "editor" });
    const decision = await resolveSignOn({ iss: ISSUER, sub: sub(), email, email_verified: true });
    if (decision.kind !== "link") throw new Error("expected a pending link");
    expect(await completePendingLink({ id: staff.id, email }, decision.link)).toBe("staff");
    expect(await getDb().$count(userIdentities, eq(userIdentities.userId, staff.id))).toBe(0);
  });

  it("unlinks a sign-on on its owner's request, but never the account's last way in", async () => {
    const subject = sub();
    const made = await resolveSignOn({ iss: ISSUER, sub: subject, email: `only${n}@example.com`, email_verified: true });
    if (made.kind !== "account") throw new Error("not made");
    const [identity] = await getDb().select().from(userIdentities).where(eq(userIdentities.userId, made.userId));
    const refused = await unlinkIdentity(made.userId, identity!.id);
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/^This is the only way to sign in to your account/) });
    // Someone else's link is not theirs to remove either.
    const other = await upsertAccount({ email: `other-unlink${n}@example.com`, password: "a passphrase here", role: "reader" });
    expect((await unlinkIdentity(other.id, identity!.id)).ok).toBe(false);
    // With a password, the link can go; the identity then signs in to nothing it was tied to.
    await upsertAccount({ email: `only${n}@example.com`, password: "now with a password", role: "reader" });
    expect((await unlinkIdentity(made.userId, identity!.id)).ok).toBe(true);
    expect(await getDb().$count(userIdentities, eq(userIdentities.userId, made.userId))).toBe(0);
    expect((await resolveSignOn({ iss: ISSUER, sub: subject, email: `only${n}@example.com`, email_verified: true })).kind).toBe("link");
  });

  it("refuses a banned account's identity", async () => {
    const subject = sub();
    const made = await resolveSignOn({ iss: ISSUER, sub: subject, email: `ban${n}@example.com`, email_verified: true });
    if (made.kind !== "account") throw new Error("not made");
    await getDb().update(users).set({ banned: true }).where(eq(users.id, made.userId));
    expect(await resolveSignOn({ iss: ISSUER, sub: subject, email: `ban${n}@example.com` })).toEqual({ kind: "refused", reason: "banned" });
  });
});
