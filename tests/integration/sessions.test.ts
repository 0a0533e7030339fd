import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { revokedSessions } from "@/db/schema";
import { authorizeCredentials, sessionToken } from "@/lib/auth/options";
import { isSessionRevoked, revokeSession } from "@/lib/auth/revocations";
import { createAccount, endAllSessions, getAccountById, getSessionAccount } from "@/lib/auth/users";
import { getDb, sql } from "@/lib/db";
import { EncryptJWT } from "jose";
import { decode, encode } from "next-auth/jwt";
import { decodeSessionToken } from "@/lib/auth/session-token";
import { queryPlan } from "../support/queries";

let n = 0;
async function signedIn() {
  n += 1;
  const email = `session${n}@example.com`;
  const created = await createAccount({ name: `Session ${n}`, email, password: "a long enough password", role: "reader" });
  if (!created.ok) throw new Error(created.reason);
  const user = await authorizeCredentials({ email, password: "a long enough password" }, { "x-newsroom-peer-ip": "198.51.100.200" });
  if (!user) throw new Error("sign-in failed");
  // What next-auth does at sign-in: the jwt callback shapes the new token.
  const token = await sessionToken({ sub: user.id, name: user.name, email: user.email }, user);
  return { id: created.id, token };
}

const DAY = 24 * 60 * 60 * 1000;

describe("session ids and sign-out", () => {
  it("gives every sign-in its own session id, kept when the token is renewed", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(a.token.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.token.sid).not.toBe(b.token.sid);
    expect(await sessionToken(a.token, undefined)).toEqual(a.token);
  });

  it("the account of a session, read in one statement, is none once that session is signed out", async () => {
    const a = await signedIn();
    const other = String((await sessionToken({ sub: String(a.id) }, { sv: 0 })).sid);
    expect((await getSessionAccount(a.id, String(a.token.sid)))?.id).toBe(a.id);
    expect(await getSessionAccount(a.id, String(a.token.sid))).not.toHaveProperty("revoked");
    expect(await getSessionAccount(a.id, String(a.token.sid))).not.toHaveProperty("passwordHash");
    // The same account, field for field and type for type, as the query builder's read.
    expect(await getSessionAccount(a.id, String(a.token.sid))).toEqual(await getAccountById(a.id));
    await revokeSession(String(a.token.sid), a.id, new Date(Date.now() + 30 * DAY));
    expect(await getSessionAccount(a.id, String(a.token.sid))).toBeNull();
    expect((await getSessionAccount(a.id, other))?.id).toBe(a.id);
    expect(await getSessionAccount(999_999, other)).toBeNull();
  });

  it("a token of a signed-out session no longer names anyone; other sessions go on", async () => {
    const a = await signedIn();
    const other = await sessionToken({ sub: String(a.id) }, { sv: 0 });
    await revokeSession(String(a.token.sid), a.id, new Date(Date.now() + 30 * DAY));
    expect(await isSessionRevoked(String(a.token.sid))).toBe(true);
    expect(await sessionToken(a.token, undefined)).toEqual({});
    expect(await sessionToken(other, undefined)).toEqual(other);
  });

  it("refuses a token without a session id", async () => {
    expect(await sessionToken({ sub: "1", sv: 0 }, undefined)).toEqual({});
  });

  it("prunes revocations whose tokens have all expired", async () => {
    const a = await signedIn();
    const b = await signedIn();
    const now = Date.now();
    await revokeSession("old-session", a.id, new Date(now - 1000), new Date(now - 2 * DAY));
    expect(await isSessionRevoked("old-session")).toBe(true);
    await revokeSession(String(b.token.sid), b.id, new Date(now + 30 * DAY), new Date(now));
    expect(await isSessionRevoked("old-session")).toBe(false);
    expect(await isSessionRevoked(String(b.token.sid))).toBe(true);
    const plan = await queryPlan(sql`delete from revoked_sessions where expires_at <= ${now}`);
    expect(plan).toContain("revoked_sessions_expires_idx");
  });

  it("records a session signed out twice (two tabs at once) once", async () => {
    const a = await signedIn();
    const sid = String(a.token.sid);
    const until = new Date(Date.now() + 30 * DAY);
    await Promise.all([revokeSession(sid, a.id, until), revokeSession(sid, a.id, until)]);
    await revokeSession(sid, a.id, until);
    expect(await isSessionRevoked(sid)).toBe(true);
    expect(await getDb().$count(revokedSessions, eq(revokedSessions.sessionId, sid))).toBe(1);
  });

  it("does not fail when the account is gone", async () => {
    await expect(revokeSession("gone-session", 999_999, new Date(Date.now() + DAY))).resolves.toBeUndefined();
    expect(await isSessionRevoked("gone-session")).toBe(false);
  });

  it("sign out everywhere moves the session version on", async () => {
    const a = await signedIn();
    const before = (await getAccountById(a.id))!.sessionVersion;
    await endAllSessions(a.id);
    expect((await getAccountById(a.id))!.sessionVersion).toBe(before + 1);
  });
});

describe("reading a session token", () => {
  it("reads what next-auth wrote, with the derived key kept between reads, and nothing tampered, expired or under another secret", async () => {
    const secret = "a-test-secret-for-session-tokens-0123456789";
    const token = await encode({ token: { sub: "42", sid: "s-1", sv: 3 }, secret });
    for (let i = 0; i < 2; i++) expect(await decodeSessionToken({ token, secret })).toMatchObject({ sub: "42", sid: "s-1", sv: 3 });
    // next-auth's own decode agrees.
    expect(await decode({ token, secret })).toEqual(await decodeSessionToken({ token, secret }));
    await expect(decodeSessionToken({ token, secret: `${secret}-other` })).rejects.toThrow();
    const parts = token.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("AA") ? "AB" : "AA");
    await expect(decodeSessionToken({ token: parts.join("."), secret })).rejects.toThrow();
    const expired = await encode({ token: { sub: "42" }, secret, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret })).rejects.toThrow();
    expect(await decodeSessionToken({ token: undefined, secret })).toBeNull();
    // Only next-auth's own algorithms: a password-based one (thousands of PBKDF2 rounds to refuse it) is refused at once.
    const pbes = await new EncryptJWT({ sub: "42" })
      .setProtectedHeader({ alg: "PBES2-HS256+A128KW", enc: "A256GCM", p2c: 1000 })
      .encrypt(new TextEncoder().encode(secret));
    await expect(decodeSessionToken({ token: pbes, secret })).rejects.toThrow(/not allowed/);
    // A salted token (next-auth's other tokens) gets its own key.
    const salted = await encode({ token: { sub: "7" }, secret, salt: "a salt" });
    expect(await decodeSessionToken({ token: salted, secret, salt: "a salt" })).toMatchObject({ sub: "7" });
    await expect(decodeSessionToken({ token: salted, secret })).rejects.toThrow();
  });
});
