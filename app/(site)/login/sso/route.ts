import NextAuth from "next-auth";
import { NextRequest, NextResponse } from "next/server";
import { getAuthOptions, OIDC_PROVIDER_ID } from "@/lib/auth/options";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { env, oidcConfig } from "@/lib/env";
import { absoluteUrl } from "@/lib/site";

export const dynamic = "force-dynamic";

/**
 * `Sign in with <OIDC_NAME>`: a link here (so it works without JavaScript,
 * and the redirect to the provider is not a form submission, which the
 * site's CSP `form-action 'self'` would stop). next-auth starts a sign-on
 * only from a POST carrying its CSRF token (a cookie, and the same value in
 * the body), so, through next-auth's own endpoints:
 *   1. /api/auth/csrf: when this browser has no CSRF cookie yet, next-auth
 *      sets one and the browser is sent here again (303, `step=2`);
 *   2. with the cookie, /api/auth/csrf gives the token, and next-auth's
 *      POST /api/auth/signin/oidc, called with it, answers with the redirect
 *      to the provider (state, PKCE and nonce cookies set), which is passed on.
 * Only this site's own pages may start one (Fetch Metadata). `intent=reauth`
 * asks the provider to sign in again (prompt=login, max_age=0): a fresh
 * sign-on stands in for a password (deleting an account).
 */
function nextAuth(path: string[], init?: { method: string; body?: URLSearchParams; query?: Record<string, string> }) {
  const url = new URL(`/api/auth/${path.join("/")}`, env().SITE_URL);
  for (const [k, v] of Object.entries(init?.query ?? {})) url.searchParams.set(k, v);
  const inner = new NextRequest(url, {
    method: init?.method ?? "GET",
    headers: init?.body ? { "content-type": "application/x-www-form-urlencoded" } : {},
    body: init?.body,
  });
  return NextAuth(inner as never, { params: Promise.resolve({ nextauth: path }) } as never, getAuthOptions()) as Promise<Response>;
}

/** Only this site's own pages (or the address bar) start a sign-on; a browser without Fetch Metadata is let through. */
function sameOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

function refused(code: string): NextResponse {
  return NextResponse.redirect(absoluteUrl(`/login?sso=${code}`), 303);
}

export async function GET(request: NextRequest): Promise<Response> {
  if (!oidcConfig()) return refused("off");
  if (!sameOrigin(request)) return new NextResponse("Forbidden", { status: 403 });
  const params = request.nextUrl.searchParams;
  const intent = params.get("intent") === "reauth" ? "reauth" : "signin";
  const callbackPath = siteRedirectPath(params.get("callbackUrl"));
  const csrf = await nextAuth(["csrf"]);
  const newCookie = csrf.headers.getSetCookie().filter((c) => /^(__Host-)?next-auth\.csrf-token=/.test(c));
  if (newCookie.length > 0) {
    // This browser had no CSRF cookie: set it and come back once (a browser refusing cookies stops here).
    if (params.get("step") === "2") return refused("cookies");
    const again = NextResponse.redirect(absoluteUrl(`/login/sso?intent=${intent}&callbackUrl=${encodeURIComponent(callbackPath)}&step=2`), 303);
    for (const cookie of csrf.headers.getSetCookie()) again.headers.append("set-cookie", cookie);
    return again;
  }
  const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
  if (!csrfToken) return refused("again");
  const query: Record<string, string> = intent === "reauth" ? { prompt: "login", max_age: "0" } : {};
  return nextAuth(["signin", OIDC_PROVIDER_ID], {
    method: "POST",
    body: new URLSearchParams({ csrfToken, callbackUrl: absoluteUrl(callbackPath) }),
    query,
  });
}
