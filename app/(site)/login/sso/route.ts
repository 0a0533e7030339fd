import NextAuth from "next-auth";
import { NextRequest, NextResponse } from "next/server";
import { getAuthOptions, OIDC_PROVIDER_ID } from "@/lib/auth/options";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { env, oidcConfig } from "@/lib/env";
import { absoluteUrl } from "@/lib/site";

export const dynamic = "force-dynamic";

/**
 * `Sign in with <OIDC_NAME>`, with or without JavaScript. next-auth starts a
 * sign-on only from a POST carrying its CSRF token (double-submitted: a
 * cookie and the same value in the body), which a plain HTML form on a
 * server-rendered page cannot know. So, through next-auth's own endpoints:
 *   1. the form POSTs here (same origin only): next-auth's /api/auth/csrf
 *      sets its CSRF cookie, and the browser is sent on (303) to
 *   2. GET here, now carrying that cookie: /api/auth/csrf gives the token,
 *      and next-auth's POST /api/auth/signin/oidc, called with it, answers
 *      with the redirect to the provider (state, PKCE and nonce cookies set),
 *      which is passed to the browser.
 * `intent=reauth` asks the provider to sign in again (prompt=login,
 * max_age=0): a fresh sign-on stands in for a password (deleting an account).
 */
function nextAuth(request: NextRequest, path: string[], init?: { method: string; body?: URLSearchParams; query?: Record<string, string> }) {
  const url = new URL(`/api/auth/${path.join("/")}`, env().SITE_URL);
  for (const [k, v] of Object.entries(init?.query ?? {})) url.searchParams.set(k, v);
  const inner = new NextRequest(url, {
    method: init?.method ?? "GET",
    headers: init?.body ? { "content-type": "application/x-www-form-urlencoded" } : {},
    body: init?.body,
  });
  return NextAuth(inner as never, { params: Promise.resolve({ nextauth: path }) } as never, getAuthOptions()) as Promise<Response>;
}

/** Only this site's own pages start a sign-on (Sec-Fetch-Site, or the Origin when a browser sends no Fetch Metadata). */
function sameOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  return origin === null ? request.method === "GET" : origin === new URL(env().SITE_URL).origin;
}

function refused(code: string): NextResponse {
  return NextResponse.redirect(absoluteUrl(`/login?sso=${code}`), 303);
}

export async function POST(request: NextRequest): Promise<Response> {
  if (!oidcConfig()) return refused("off");
  if (!sameOrigin(request)) return new NextResponse("Forbidden", { status: 403 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return refused("invalid");
  }
  const callbackUrl = siteRedirectPath(form.get("callbackUrl"));
  const intent = form.get("intent") === "reauth" ? "reauth" : "signin";
  const csrf = await nextAuth(request, ["csrf"]);
  const next = NextResponse.redirect(absoluteUrl(`/login/sso?intent=${intent}&callbackUrl=${encodeURIComponent(callbackUrl)}`), 303);
  for (const cookie of csrf.headers.getSetCookie()) next.headers.append("set-cookie", cookie);
  return next;
}

export async function GET(request: NextRequest): Promise<Response> {
  if (!oidcConfig()) return refused("off");
  if (!sameOrigin(request)) return new NextResponse("Forbidden", { status: 403 });
  const csrf = await nextAuth(request, ["csrf"]);
  // A new CSRF cookie means this browser had none (a link followed from elsewhere): start again from the form.
  if (csrf.headers.getSetCookie().length > 0) return refused("again");
  const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
  if (!csrfToken) return refused("again");
  const params = request.nextUrl.searchParams;
  const callbackUrl = absoluteUrl(siteRedirectPath(params.get("callbackUrl")));
  const query: Record<string, string> = params.get("intent") === "reauth" ? { prompt: "login", max_age: "0" } : {};
  return nextAuth(request, ["signin", OIDC_PROVIDER_ID], { method: "POST", body: new URLSearchParams({ csrfToken, callbackUrl }), query });
}
