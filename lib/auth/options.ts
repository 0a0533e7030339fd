import "server-only";
import crypto from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { cookies } from "next/headers";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { encodePendingLink, resolveSignOn, signOnAccount, type SignOnProfile } from "@/lib/accounts/sign-on";
import { env, oidcConfig } from "@/lib/env";
import { absoluteUrl } from "@/lib/site";
import { safeCallbackUrl } from "./rules";
import { verifyPassword } from "./password";
import { beginSignInAttempt, signInSucceeded } from "./rate-limit";
import { headerReader, requestIp } from "./request-ip";
import { isSessionRevoked } from "./revocations";
import { ACCOUNT_SUSPENDED } from "./rules";
import { getServerSecret } from "./secret";
import { getAccountForSignIn, recordSignIn } from "./users";
import { hasNul } from "@/lib/text/storable";


/** Seconds a session token stays valid after it was last issued or renewed. */
export const SESSION_MAX_AGE = 30 * 24 * 60 * 60; // 30 days

const credentials = z.object({
  // No NUL: PostgreSQL could not store the attempt's counter key (a refused sign-in, not a 500).
  email: z.string().trim().toLowerCase().max(100).refine((v) => !hasNul(v)),
  password: z.string().max(1000),
});

/**
 * Checks an email and password. The attempt is counted against the limits
 * (per account from this IP, per account, per IP) before the password is
 * checked, so parallel guesses cannot outrun the count; a right password
 * gives the attempt back. A banned account is refused after a correct
 * password. Returns the account for the session, or null; throws (with a
 * message the sign-in form shows) when rate limited or suspended.
 */
export async function authorizeCredentials(
  raw: Record<string, unknown> | undefined,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ id: string; name: string; email: string; sv: number; am: "password" } | null> {
  const parsed = credentials.safeParse(raw ?? {});
  if (!parsed.success || !parsed.data.email || !parsed.data.password) return null;
  const { email, password } = parsed.data;
  const attempt = await beginSignInAttempt(email, requestIp(headerReader(headers)));
  const account = await getAccountForSignIn(email);
  const ok = await verifyPassword(account?.passwordHash ?? null, password);
  if (!account || !ok) return null;
  if (account.banned) throw new Error(ACCOUNT_SUSPENDED);
  await signInSucceeded(attempt);
  await recordSignIn(account.id);
  return { id: String(account.id), name: account.name, email: account.email, sv: account.sessionVersion, am: "password" };
}

/**
 * The session token's contents on sign-in and on every renewal: a new random
 * session id (`sid`) at sign-in, which "Sign out" revokes. A token without
 * one (issued before session ids existed) or with a revoked one is emptied,
 * so it no longer names an account and renewing it cannot extend it.
 */
export async function sessionToken(token: JWT, user: { sv?: number; am?: SignInMethod } | undefined, now = Date.now()): Promise<JWT> {
  // `am` and `at`: how and when this session signed in (a fresh single sign-on stands in for a password).
  if (user) return { ...token, sv: user.sv ?? 0, sid: crypto.randomUUID(), am: user.am ?? "password", at: now };
  const sid = typeof token.sid === "string" ? token.sid : "";
  if (!sid || (await isSessionRevoked(sid))) return {};
  return token;
}

/** How a session signed in. */
export type SignInMethod = "password" | "sso";

/**
 * The cookie holding a provider identity that waits for the password of the
 * account with its address (lib/accounts/sign-on.ts): `__Host-` prefixed on
 * https, so no sibling subdomain and no plain-http page can set it.
 */
export function pendingLinkCookie(): string {
  return (process.env.NEXTAUTH_URL ?? env().SITE_URL).startsWith("https://") ? "__Host-newsroom.sso-link" : "newsroom.sso-link";
}

/** The provider id in next-auth's routes: /api/auth/signin/oidc, /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

/**
 * The OpenID Connect provider, when OIDC_ISSUER, OIDC_CLIENT_ID and
 * OIDC_CLIENT_SECRET are set: next-auth's OAuth provider with discovery,
 * the authorization code flow with PKCE, state and nonce, and the profile
 * read from the verified ID token. The redirect URI is built from
 * NEXTAUTH_URL (the site's URL), never from a request's Host header.
 */
function oidcProvider(): OAuthConfig<SignOnProfile> | null {
  const config = oidcConfig();
  if (!config) return null;
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    profile(profile) {
      return { id: String(profile.sub ?? ""), name: typeof profile.name === "string" ? profile.name : null, email: typeof profile.email === "string" ? profile.email : null };
    },
  };
}

/**
 * next-auth's signIn callback for a single sign-on: which account it reaches
 * (lib/accounts/sign-on.ts). A new identity whose address an account already
 * uses is held in a signed cookie of this browser and sent to /login, where
 * the account's password links it; a refusal goes to /login with its code.
 */
async function allowSignOn(profile: SignOnProfile | undefined): Promise<boolean | string> {
  const decision = await resolveSignOn(profile ?? {});
  if (decision.kind === "account") return true;
  if (decision.kind === "link") {
    (await cookies()).set(pendingLinkCookie(), encodePendingLink(decision.link), {
      httpOnly: true,
      sameSite: "lax",
      secure: pendingLinkCookie().startsWith("__Host-"),
      path: "/",
      maxAge: Math.round((decision.link.expiresAt - Date.now()) / 1000),
    });
    return absoluteUrl(`/login?sso=link&email=${encodeURIComponent(decision.link.email)}`);
  }
  return absoluteUrl(`/login?sso=${decision.reason}`);
}

let cached: NextAuthOptions | undefined;

/**
 * next-auth v4: the Credentials provider with JWT sessions (the only kind it
 * supports). The token carries the account id, its session version and a
 * session id; the role and ban are read from the database on every request,
 * and the session id is checked against signed-out sessions (session.ts).
 */
export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  // next-auth reads NEXTAUTH_URL for its own links; default it to the site.
  process.env.NEXTAUTH_URL ??= env().NEXTAUTH_URL ?? env().SITE_URL;
  const secure = (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
  cached = {
    secret: getServerSecret(),
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      ...(oidcProvider() ? [oidcProvider()!] : []),
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize: (raw, req) => authorizeCredentials(raw, (req?.headers ?? {}) as Record<string, string>),
      }),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        return allowSignOn(profile as SignOnProfile | undefined);
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === OIDC_PROVIDER_ID && user) {
          // The token names the local account the sign-on resolved to (signIn, above), never the provider's subject.
          const local = await signOnAccount((profile ?? {}) as SignOnProfile);
          if (!local || local.banned) return {};
          return sessionToken({ name: local.name, email: local.email, sub: String(local.id) }, { sv: local.sessionVersion, am: "sso" });
        }
        return sessionToken(token, user as { sv?: number; am?: SignInMethod } | undefined);
      },
      // Only this site's own pages, whatever a callbackUrl said.
      redirect({ url }) {
        return absoluteUrl(safeCallbackUrl(url, env().SITE_URL));
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, name: token.name, email: token.email }, sv: token.sv, sid: token.sid };
      },
    },
  };
  return cached;
}
