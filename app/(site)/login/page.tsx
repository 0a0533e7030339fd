import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { getCurrentUser } from "@/lib/auth/session";
import { cookies } from "next/headers";
import { decodePendingLink } from "@/lib/accounts/sign-on";
import { pendingLinkCookie } from "@/lib/auth/options";
import { oidcConfig } from "@/lib/env";
import { mailEnabled } from "@/lib/mail/outbox";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in", robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = siteRedirectPath(params.callbackUrl);
  const user = await getCurrentUser();
  if (user && !user.banned) redirect(callbackUrl);
  const notice =
    params.registered !== undefined
      ? mailEnabled()
        ? "Your account is ready. Sign in with your email and password. We mailed you a link to verify your address: until you open it, your comments wait for a moderator."
        : "Your account is ready. Sign in with your email and password."
      : params.deleted !== undefined
        ? "Your account and its comments were deleted, and every session of it signed out."
        : params.setup !== undefined
        ? "The admin account is ready. Sign in with it."
        : null;
  const email = typeof params.email === "string" ? params.email.slice(0, 100) : "";
  const sso = oidcConfig();
  // A code only: a known one shows its fixed text (the address in a link notice is the pending link's own, from its signed cookie).
  const pending = params.sso === "link" ? decodePendingLink((await cookies()).get(pendingLinkCookie())?.value) : null;
  const ssoText = sso ? signOnNotice(typeof params.sso === "string" ? params.sso : "", sso.name, pending?.email ?? null) : null;
  return (
    <div className="auth-page">
      <h1 className="page-heading">Sign in</h1>
      {notice ? (
        <p className="form-notice" role="status">
          {notice}
        </p>
      ) : null}
      {ssoText ? (
        <p className={pending ? "form-notice" : "form-message"} role={pending ? "status" : "alert"}>
          {ssoText}
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} initialEmail={pending?.email ?? email} />
      <p>
        <Link href="/reset-password">Forgot your password?</Link>
      </p>
      {sso && !pending ? (
        <p className="sso-sign-in">
          <a className="button-link" href={`/login/sso?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Sign in with {sso.name}
          </a>
        </p>
      ) : null}
      <p className="muted">
        No account yet? <Link href={`/register?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create one</Link>.
      </p>
    </div>
  );
}

/** What a single sign-on that did not sign in says (its code in the address). */
function signOnNotice(code: string, name: string, pendingEmail: string | null): string | null {
  switch (code) {
    case "link":
      return pendingEmail
        ? `An account here already uses ${pendingEmail}. Sign in with its password once to link your ${name} sign-in to it; after that, ${name} alone signs you in.`
        : `The ${name} sign-in waited too long to be linked. Sign in with ${name} again.`;
    case "no_email":
      return `Your ${name} account gave no email address, so no account can be made for it here.`;
    case "banned":
      return "This account has been suspended.";
    case "cookies":
      return `Signing in with ${name} needs cookies: allow them for this site and try again.`;
    case "again":
    case "invalid":
      return `Signing in with ${name} did not work. Please try again.`;
    case "off":
      return "Single sign-on is not set up on this site.";
    default:
      return null;
  }
}
