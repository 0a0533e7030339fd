import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getAuthOptions } from "./options";
import { can, type Capability } from "./permissions";
import { siteRedirectPath } from "./redirect-target";
import { decodeSessionToken } from "./session-token";
import { getSessionAccount, type AccountSummary } from "./users";

export type CurrentUser = AccountSummary;

/** next-auth's session cookie, plain or `__Secure-` prefixed, possibly split into chunks. */
export const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

type TokenShape = { sub?: string; sv?: unknown; sid?: unknown; am?: unknown; at?: unknown } | null;

/**
 * The signed-in account for this request, read from the database (a role or
 * ban in a token could be stale), or null when signed out, deleted, or when
 * the token predates a password, role or ban change or a "Sign out
 * everywhere" (session version), or when its session was signed out.
 * A banned account is returned with `banned: true`: it is signed in but may
 * do nothing.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => sessionAccountFromCookies((await cookies()).getAll()));

/** A request's cookies, by name and value (Next's `cookies().getAll()`, or a parsed Cookie header). */
export type RequestCookie = { name: string; value: string };

/**
 * getCurrentUser's work, from the request's cookies however they were read:
 * the page's request (above), or the personal request's fast path
 * (lib/comments/personal-fast-path.ts), which has no Next request around it.
 */
export async function sessionAccountFromCookies(all: readonly RequestCookie[]): Promise<CurrentUser | null> {
  // No session cookie, no session: skip next-auth (most requests are readers').
  if (!all.some((c) => SESSION_COOKIE.test(c.name))) return null;
  const token = await readSessionToken(all);
  const id = Number(token?.sub);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const sid = typeof token?.sid === "string" ? token.sid : "";
  if (!sid) return null;
  // The account, unless this session was signed out (one statement).
  const account = await getSessionAccount(id, sid);
  if (!account || account.sessionVersion !== (typeof token?.sv === "number" ? token.sv : 0)) return null;
  return account;
}

/**
 * next-auth's own reader of its session cookie (chunks, prefix, decryption,
 * expiry), not its whole session handler: that also ran the token callback,
 * which asks the database about revocation once more, and it cannot renew the
 * cookie from here anyway.
 */
async function readSessionToken(all: readonly RequestCookie[]): Promise<TokenShape> {
  const options = getAuthOptions();
  return (await getToken({
    req: { cookies: { getAll: () => all }, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: options.secret,
    secureCookie: options.useSecureCookies,
    // next-auth's decode, with its derived key kept between requests.
    decode: decodeSessionToken,
  })) as TokenShape;
}

/**
 * How and when this request's session signed in (`password` or `sso`), for
 * the forms a fresh single sign-on may confirm instead of a password; null
 * when signed out. Call it after getCurrentUser accepted the session.
 */
export async function sessionSignedInWith(): Promise<{ method: "password" | "sso"; at: Date } | null> {
  const all = (await cookies()).getAll();
  if (!all.some((c) => SESSION_COOKIE.test(c.name))) return null;
  const token = await readSessionToken(all);
  if (!token) return null;
  return { method: token.am === "sso" ? "sso" : "password", at: new Date(typeof token.at === "number" ? token.at : 0) };
}

/**
 * For a server action: the path (and query) of the page it was posted from,
 * when the Referer is a page of this site (`SITE_URL`'s origin), or `fallback`.
 */
export async function refererPath(fallback: string): Promise<string> {
  const referer = (await headers()).get("referer");
  if (!referer) return fallback;
  const path = siteRedirectPath(referer, fallback);
  // The fragment never reaches the server; drop one a client sent anyway.
  const hash = path.indexOf("#");
  return hash === -1 ? path : path.slice(0, hash);
}

/**
 * For pages and server actions: the account when it may do `capability`;
 * otherwise signed-out people are sent to /login (and back afterwards: pages
 * pass their path as `callbackUrl`) and everyone else gets the 403 page.
 */
export async function requirePermission(capability: Capability, options: { callbackUrl?: string } = {}): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) {
    const back = options.callbackUrl ?? (await refererPath("/"));
    redirect(`/login?callbackUrl=${encodeURIComponent(back)}`);
  }
  if (!can(user, capability)) forbidden();
  return user;
}

/**
 * For server actions: like `requirePermission`, but a wrong role gets null
 * (the action must then change nothing and return). Next answers a
 * `forbidden()` thrown inside an action posted without JavaScript with its
 * 404 page; returning instead lets the page render again, and the page's own
 * `requirePermission` answers 403.
 */
export async function authorizeAction(capability: Capability, options: { callbackUrl?: string } = {}): Promise<CurrentUser | null> {
  const user = await getCurrentUser();
  if (!user) {
    const back = options.callbackUrl ?? (await refererPath("/"));
    redirect(`/login?callbackUrl=${encodeURIComponent(back)}`);
  }
  return can(user, capability) ? user : null;
}

/** For route handlers: the account, or the status to answer (401 signed out, 403 not allowed). */
export async function checkPermission(
  capability: Capability,
): Promise<{ ok: true; user: CurrentUser } | { ok: false; status: 401 | 403; error: string }> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, status: 401, error: "Sign in first." };
  if (!can(user, capability)) return { ok: false, status: 403, error: "You are not allowed to do this." };
  return { ok: true, user };
}
