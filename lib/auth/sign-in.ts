import "server-only";
import { markPersonal } from "@/lib/http/personal-hint";
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { z } from "zod";
import { authorizeCredentials, getAuthOptions, SESSION_MAX_AGE, sessionToken } from "./options";
import { TooManySignInAttempts } from "./rate-limit";
import { ACCOUNT_SUSPENDED, SIGN_IN_FAILED } from "./rules";
import { SESSION_COOKIE } from "./session";

/** The sign-in form's answer: a message and what was typed (never the password). */
export type SignInFormState = { message: string | null; email: string };

export const EMPTY_SIGN_IN_FORM: SignInFormState = { message: null, email: "" };

/** next-auth's session cookie: its name, value and attributes (as next-auth sets them). */
export type SessionCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; expires: Date };
};

export type SignInResult =
  | { ok: true; user: { id: string; name: string; email: string }; cookie: SessionCookie }
  | { ok: false; state: SignInFormState };

/**
 * The form's fields. Bounds as authorizeCredentials applies them (an email of
 * at most 100 characters, a password of at most 1,000); an empty or missing
 * field gets its own message (nothing about any account is revealed by it,
 * and no attempt is counted).
 */
const signInForm = z.object({
  email: z
    .string("Enter your email address.")
    .trim()
    .min(1, "Enter your email address.")
    .max(100, "An email address can be at most 100 characters."),
  password: z
    .string("Enter your password.")
    .min(1, "Enter your password.")
    .max(1000, "A password can be at most 1,000 characters."),
});

/**
 * The session cookie next-auth's credentials callback would set for `user`
 * (next-auth v4, core/routes/callback.js and core/lib/cookie.js): named
 * `next-auth.session-token`, `__Secure-` prefixed when the site is on https
 * (the `useSecureCookies` of getAuthOptions); httpOnly, SameSite=Lax, path
 * `/`, Secure on https; `Expires` SESSION_MAX_AGE from now. Its value is a
 * JWT from next-auth's own `encode` (same secret and maxAge as next-auth's)
 * holding the token next-auth builds at sign-in (`sub`, `name`, `email`)
 * shaped by the same `jwt` callback step, sessionToken (`sv`, a new `sid`).
 */
export async function sessionCookieFor(user: { id: string; name: string; email: string; sv: number }, now = new Date()): Promise<SessionCookie> {
  const options = getAuthOptions();
  const secret = options.secret;
  if (!secret) throw new Error("next-auth has no secret configured.");
  const maxAge = options.session?.maxAge ?? SESSION_MAX_AGE;
  const secure = options.useSecureCookies === true;
  const token = await sessionToken({ name: user.name, email: user.email, sub: user.id }, user);
  const value = await encode({ token, secret, maxAge });
  return {
    name: `${secure ? "__Secure-" : ""}next-auth.session-token`,
    value,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure, expires: new Date(now.getTime() + maxAge * 1000) },
  };
}

/**
 * Signs in with the sign-in form's email and password: validated, then
 * checked by authorizeCredentials, the very function next-auth's Credentials
 * provider calls (limits counted before the password is verified, the one
 * message for an unknown email or a wrong password, suspended accounts
 * refused). On success, the session cookie to set; otherwise the form's
 * answer, keeping the email as typed.
 */
export async function signInWithPassword(formData: FormData, requestHeaders: Headers, now = new Date()): Promise<SignInResult> {
  const typedEmail = formData.get("email");
  const email = typeof typedEmail === "string" ? typedEmail.slice(0, 200) : "";
  const parsed = signInForm.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!parsed.success) return { ok: false, state: { message: parsed.error.issues[0]!.message, email } };

  const headerRecord: Record<string, string> = {};
  requestHeaders.forEach((value, name) => {
    headerRecord[name.toLowerCase()] = value;
  });
  let user: Awaited<ReturnType<typeof authorizeCredentials>>;
  try {
    user = await authorizeCredentials(parsed.data, headerRecord);
  } catch (error) {
    if (error instanceof TooManySignInAttempts) return { ok: false, state: { message: error.message, email } };
    if (error instanceof Error && error.message === ACCOUNT_SUSPENDED) return { ok: false, state: { message: ACCOUNT_SUSPENDED, email } };
    throw error;
  }
  if (!user) return { ok: false, state: { message: SIGN_IN_FAILED, email } };
  return { ok: true, user: { id: user.id, name: user.name, email: user.email }, cookie: await sessionCookieFor(user, now) };
}

/**
 * Sets the session cookie on the response (a server action's), and removes
 * any other session cookie this browser still holds (a chunked one, `.0`,
 * `.1`..., or one under the other prefix), as next-auth does when it issues one.
 */
export async function setSessionCookie(cookie: SessionCookie): Promise<void> {
  const jar = await cookies();
  for (const existing of jar.getAll()) {
    if (existing.name !== cookie.name && SESSION_COOKIE.test(existing.name)) {
      // A `__Secure-` cookie is only replaced (here: expired) by a Secure one.
      jar.delete({ name: existing.name, path: "/", secure: existing.name.startsWith("__Secure-") });
    }
  }
  jar.set(cookie.name, cookie.value, cookie.options);
  markPersonal(jar);
}
