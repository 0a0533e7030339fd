import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import { requestClientIp } from "@/lib/http/client-address";
import { verifyPassword } from "./password";
import { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } from "./rate-limit";
import { ACCOUNT_SUSPENDED } from "./rules";
import { getServerSecret } from "./secret";
import { getAccountForSignIn, recordSignIn } from "./users";


const SESSION_MAX_AGE = 30 * 24 * 60 * 60; // 30 days

const credentials = z.object({
  email: z.string().trim().toLowerCase().max(100),
  password: z.string().max(1000),
});

/**
 * Checks an email and password: rate limits first (per account and per IP),
 * then the password; a banned account is refused after a correct password.
 * Returns the account for the session, or null; throws (with a message the
 * sign-in form shows) when rate limited or suspended.
 */
export async function authorizeCredentials(
  raw: Record<string, unknown> | undefined,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ id: string; name: string; email: string; sv: number } | null> {
  const parsed = credentials.safeParse(raw ?? {});
  if (!parsed.success || !parsed.data.email || !parsed.data.password) return null;
  const { email, password } = parsed.data;
  const ip = requestClientIp({
    get: (name) => { const v = headers[name.toLowerCase()]; return Array.isArray(v) ? v.join(", ") : (v ?? null); },
  });
  await assertSignInAllowed(email, ip);
  const account = getAccountForSignIn(email);
  const ok = await verifyPassword(account?.passwordHash ?? null, password);
  if (!account || !ok) {
    await recordFailedSignIn(email, ip);
    return null;
  }
  if (account.banned) throw new Error(ACCOUNT_SUSPENDED);
  await recordSuccessfulSignIn(email);
  recordSignIn(account.id);
  return { id: String(account.id), name: account.name, email: account.email, sv: account.sessionVersion };
}

let cached: NextAuthOptions | undefined;

/**
 * next-auth v4: the Credentials provider with JWT sessions (the only kind it
 * supports). The token carries the account id and its session version; the
 * role and ban are read from the database on every request (session.ts).
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
        if (user) token.sv = (user as { sv?: number }).sv ?? 0;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, name: token.name, email: token.email }, sv: token.sv };
      },
    },
  };
  return cached;
}
