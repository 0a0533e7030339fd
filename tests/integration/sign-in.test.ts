import { getServerSession } from "next-auth";
import NextAuth from "next-auth/next";
import { decode, getToken } from "next-auth/jwt";
import type { NextApiRequest, NextApiResponse } from "next";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { getAuthOptions, SESSION_MAX_AGE } from "@/lib/auth/options";
import { revokeSession } from "@/lib/auth/revocations";
import { ACCOUNT_SUSPENDED, SIGN_IN_FAILED } from "@/lib/auth/rules";
import { getServerSecret } from "@/lib/auth/secret";
import { signInWithPassword, type SessionCookie } from "@/lib/auth/sign-in";
import { createAccount, endAllSessions } from "@/lib/auth/users";
import { getDb } from "@/lib/db";

const PASSWORD = "a long enough password";
let n = 0;
let address = 0;

async function account(options: { banned?: boolean } = {}) {
  n += 1;
  const email = `signin${n}@example.com`;
  const created = await createAccount({ name: `Sign In ${n}`, email, password: PASSWORD, role: "reader" });
  if (!created.ok) throw new Error(created.reason);
  if (options.banned) await getDb().update(users).set({ banned: true }).where(eq(users.id, created.id));
  return { id: created.id, name: `Sign In ${n}`, email };
}

/** A request's headers from its own address (server.mjs records the socket's peer in this header). */
function requestHeaders(): Headers {
  address += 1;
  return new Headers({ "x-newsroom-peer-ip": `198.51.100.${address}`, "user-agent": "vitest" });
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

async function signedIn(email: string): Promise<SessionCookie> {
  const result = await signInWithPassword(form({ email, password: PASSWORD }), requestHeaders());
  if (!result.ok) throw new Error(`sign-in failed: ${result.state.message}`);
  return result.cookie;
}

type FakeResponse = NextApiResponse & { setCookies: string[]; statusCode: number; location?: string; body?: unknown };

function fakeResponse(): FakeResponse {
  const headers = new Map<string, unknown>();
  const res = {
    setCookies: [] as string[],
    statusCode: 200,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), value);
      if (name.toLowerCase() === "set-cookie") res.setCookies = value as string[];
      if (name.toLowerCase() === "location") res.location = String(value);
      return res;
    },
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    end: () => res,
    send(body: unknown) {
      res.body = body;
      return res;
    },
    json(body: unknown) {
      res.body = body;
      return res;
    },
  } as unknown as FakeResponse & { location?: string; body?: unknown };
  return res;
}

function fakeRequest(cookies: Record<string, string>, extra: Partial<NextApiRequest> = {}): NextApiRequest {
  return {
    method: "GET",
    query: {},
    cookies,
    headers: { cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; "), host: "localhost:3000" },
    ...extra,
  } as NextApiRequest;
}

/** What next-auth's session endpoint (and so getServerSession in getCurrentUser) makes of a session cookie. */
async function sessionFor(cookie: SessionCookie) {
  return (await getServerSession(fakeRequest({ [cookie.name]: cookie.value }), fakeResponse(), getAuthOptions())) as {
    user?: { id?: string; name?: string; email?: string };
    sv?: number;
    sid?: string;
  } | null;
}

function parseSetCookie(header: string) {
  const [pair, ...attributes] = header.split(/;\s*/);
  const eq = pair!.indexOf("=");
  const attrs = new Map<string, string | true>(
    attributes.map((a): [string, string | true] => {
      const i = a.indexOf("=");
      return i === -1 ? [a.toLowerCase(), true] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
    }),
  );
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attrs };
}

describe("signing in with the form (lib/auth/sign-in.ts)", () => {
  it("a right password gives next-auth's session cookie, which next-auth decodes to the account with a session id", async () => {
    const a = await account();
    const before = Date.now();
    const result = await signInWithPassword(form({ email: `  ${a.email.toUpperCase()} `, password: PASSWORD }), requestHeaders());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { cookie } = result;
    expect(cookie.name).toBe("next-auth.session-token");
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    expect(Math.abs(cookie.options.expires.getTime() - (before + SESSION_MAX_AGE * 1000))).toBeLessThan(5000);

    const token = await decode({ token: cookie.value, secret: getServerSecret() });
    expect(token).toMatchObject({ sub: String(a.id), name: a.name, email: a.email, sv: 0 });
    expect(token?.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Number(token?.exp) - (Math.floor(before / 1000) + SESSION_MAX_AGE))).toBeLessThan(5);

    // getToken reads it from a request's cookies, as next-auth's middleware would.
    const fromRequest = await getToken({ req: fakeRequest({ [cookie.name]: cookie.value }), secret: getServerSecret() });
    expect(fromRequest).toMatchObject({ sub: String(a.id), sid: token?.sid });

    // next-auth's own session read (what getCurrentUser asks through getServerSession).
    const session = await sessionFor(cookie);
    expect(session?.user).toEqual({ id: String(a.id), name: a.name, email: a.email });
    expect(session?.sid).toBe(token?.sid);
    expect(session?.sv).toBe(0);
  });

  it("every sign-in is its own session", async () => {
    const a = await account();
    const first = await decode({ token: (await signedIn(a.email)).value, secret: getServerSecret() });
    const second = await decode({ token: (await signedIn(a.email)).value, secret: getServerSecret() });
    expect(first?.sid).not.toBe(second?.sid);
  });

  it("issues the same cookie as next-auth's own credentials sign-in: name, attributes, lifetime and token claims", async () => {
    const a = await account();
    const options = getAuthOptions();
    // next-auth's flow: fetch a CSRF token, then post the credentials to its callback.
    const csrfRes = fakeResponse();
    await NextAuth(fakeRequest({}, { query: { nextauth: ["csrf"] } }), csrfRes, options);
    const csrfCookie = parseSetCookie(csrfRes.setCookies.find((c) => c.includes("csrf-token"))!);
    const { csrfToken } = csrfRes.body as { csrfToken: string };
    const callbackRes = fakeResponse();
    await NextAuth(
      fakeRequest(
        { [csrfCookie.name]: decodeURIComponent(csrfCookie.value) },
        {
          method: "POST",
          query: { nextauth: ["callback", "credentials"] },
          body: { email: a.email, password: PASSWORD, csrfToken, callbackUrl: "/" },
        },
      ),
      callbackRes,
      options,
    );
    const theirs = parseSetCookie(callbackRes.setCookies.find((c) => c.startsWith("next-auth.session-token="))!);
    const ours = await signedIn(a.email);
    expect(ours.name).toBe(theirs.name);
    expect(theirs.attrs.get("httponly")).toBe(true);
    expect(String(theirs.attrs.get("samesite")).toLowerCase()).toBe(ours.options.sameSite);
    expect(theirs.attrs.get("path")).toBe(ours.options.path);
    expect(theirs.attrs.has("secure")).toBe(ours.options.secure);
    expect(theirs.attrs.has("max-age")).toBe(false);
    const theirExpiry = new Date(String(theirs.attrs.get("expires"))).getTime();
    expect(Math.abs(theirExpiry - ours.options.expires.getTime())).toBeLessThan(5000);

    const theirToken = await decode({ token: theirs.value, secret: getServerSecret() });
    const ourToken = await decode({ token: ours.value, secret: getServerSecret() });
    expect(Object.keys(ourToken!).sort()).toEqual(Object.keys(theirToken!).sort());
    for (const claim of ["sub", "name", "email", "sv"]) expect(ourToken![claim]).toEqual(theirToken![claim]);
    expect(Math.abs(Number(ourToken!.exp) - Number(theirToken!.exp))).toBeLessThan(5);
  });

  it("a wrong password, or an unknown email, gets the one generic message and keeps the email typed", async () => {
    const a = await account();
    const wrong = await signInWithPassword(form({ email: a.email, password: "not the password" }), requestHeaders());
    expect(wrong).toEqual({ ok: false, state: { message: SIGN_IN_FAILED, email: a.email } });
    const unknown = await signInWithPassword(form({ email: "nobody@example.com", password: PASSWORD }), requestHeaders());
    expect(unknown).toEqual({ ok: false, state: { message: SIGN_IN_FAILED, email: "nobody@example.com" } });
  });

  it("a banned account gets the suspended message, even with the right password", async () => {
    const a = await account({ banned: true });
    const result = await signInWithPassword(form({ email: a.email, password: PASSWORD }), requestHeaders());
    expect(result).toEqual({ ok: false, state: { message: ACCOUNT_SUSPENDED, email: a.email } });
  });

  it("asks for what is missing or too long, without counting an attempt", async () => {
    expect(await signInWithPassword(form({ email: " ", password: PASSWORD }), requestHeaders())).toEqual({
      ok: false,
      state: { message: "Enter your email address.", email: " " },
    });
    expect(await signInWithPassword(form({ email: "a@example.com" }), requestHeaders())).toEqual({
      ok: false,
      state: { message: "Enter your password.", email: "a@example.com" },
    });
    expect(await signInWithPassword(form({ email: "a@example.com", password: "x".repeat(1001) }), requestHeaders())).toEqual({
      ok: false,
      state: { message: "A password can be at most 1,000 characters.", email: "a@example.com" },
    });
  });

  it("counts attempts before verifying: after the limit even the right password is refused, and says so", async () => {
    const a = await account();
    const headers = requestHeaders();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => signInWithPassword(form({ email: a.email, password: "wrong password" }), headers)),
    );
    const limited = results.filter((r) => !r.ok && r.state.message?.startsWith("Too many sign-in attempts."));
    expect(limited.length).toBeGreaterThan(0);
    const right = await signInWithPassword(form({ email: a.email, password: PASSWORD }), headers);
    expect(right.ok).toBe(false);
    if (!right.ok) expect(right.state).toMatchObject({ email: a.email, message: expect.stringMatching(/^Too many sign-in attempts\./) });
  });

  it("a session from the form ends with Sign out (its session id revoked) and with Sign out everywhere", async () => {
    const a = await account();
    const one = await signedIn(a.email);
    const two = await signedIn(a.email);
    const sid = (await decode({ token: one.value, secret: getServerSecret() }))!.sid as string;
    await revokeSession(sid, a.id, new Date(Date.now() + SESSION_MAX_AGE * 1000));
    expect((await sessionFor(one))?.user?.id).toBeUndefined();
    expect((await sessionFor(two))?.user?.id).toBe(String(a.id));

    await endAllSessions(a.id);
    // The token still names the old session version; getCurrentUser compares it with the account's.
    expect((await sessionFor(two))?.sv).toBe(0);
    const three = await signedIn(a.email);
    expect((await sessionFor(three))?.sv).toBe(1);
  });
});

describe("on an https site", () => {
  const saved = process.env.NEXTAUTH_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
    vi.resetModules();
  });

  it("the cookie is __Secure- prefixed and Secure, and getToken finds it", async () => {
    vi.resetModules();
    process.env.NEXTAUTH_URL = "https://news.example";
    const users = await import("@/lib/auth/users");
    const signIn = await import("@/lib/auth/sign-in");
    const secret = await import("@/lib/auth/secret");
    n += 1;
    const email = `secure${n}@example.com`;
    const created = await users.createAccount({ name: "Secure Reader", email, password: PASSWORD, role: "reader" });
    if (!created.ok) throw new Error(created.reason);
    const result = await signIn.signInWithPassword(form({ email, password: PASSWORD }), requestHeaders());
    if (!result.ok) throw new Error(result.state.message ?? "");
    expect(result.cookie.name).toBe("__Secure-next-auth.session-token");
    expect(result.cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
    const token = await getToken({
      req: fakeRequest({ [result.cookie.name]: result.cookie.value }),
      secret: secret.getServerSecret(),
    });
    expect(token).toMatchObject({ sub: String(created.id), email });
  });
});
