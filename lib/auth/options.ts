import "server-only";
import crypto from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
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
): Promise<{ id: string; name: string; email: string; sv: number } | null> {
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
  return { id: String(account.id), name: account.name, email: account.email, sv: account.sessionVersion };
}

/**
 * The session token's contents on sign-in and on every renewal: a new random
 * session id (`sid`) at sign-in, which "Sign out" revokes. A token without
 * one (issued before session ids existed) or with a revoked one is emptied,
 * so it no longer names an account and renewing it cannot extend it.
 */
export async function sessionToken(token: JWT, user: { sv?: number } | undefined): Promise<JWT> {
  if (user) return { ...token, sv: user.sv ?? 0, sid: crypto.randomUUID() };
  const sid = typeof token.sid === "string" ? token.sid : "";
  if (!sid || (await isSessionRevoked(sid))) return {};
  return token;
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
      jwt({ token, user }) {
        return sessionToken(token, user as { sv?: number } | undefined);
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, name: token.name, email: token.email }, sv: token.sv, sid: token.sid };
      },
    },
  };
  return cached;
}
