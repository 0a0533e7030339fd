import { z } from "zod";

/**
 * Account field rules, shared by the forms (shown to people), the server
 * actions and the command line. Kept free of server-only imports.
 */
/** The one message for an unknown email or a wrong password. */
export const SIGN_IN_FAILED = "The email or password is not right.";
export const ACCOUNT_SUSPENDED = "This account has been suspended.";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const PASSWORD_RULES = `At least ${PASSWORD_MIN} characters; a passphrase of several words is best.`;

export const emailField = z
  .string()
  .trim()
  .min(1, "Enter your email address.")
  .max(100, "An email address can be at most 100 characters.")
  .pipe(z.email("Enter a valid email address, like name@example.com."))
  .transform((e) => e.toLowerCase());

export const nameField = z
  .string()
  .trim()
  .min(1, "Enter your name.")
  .max(245, "A name can be at most 245 characters.");

export const passwordField = z
  .string()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

export const newAccountSchema = z
  .object({ name: nameField, email: emailField, password: passwordField })
  .refine((v) => v.password.toLowerCase() !== v.email, {
    path: ["password"],
    message: "Your password must not be your email address.",
  });

export type NewAccount = z.infer<typeof newAccountSchema>;

/**
 * Where to go after signing in: only a path on this site (no `//host`,
 * no scheme), so `callbackUrl` cannot send people elsewhere.
 */
export function safeCallbackUrl(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value.slice(0, 2000);
}
