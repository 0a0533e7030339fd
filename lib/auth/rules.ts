import { z } from "zod";
import { findInvisibleCharacter, invisibleCharacterMessage } from "@/lib/text/invisible-characters";

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

/** NFC-normalised and trimmed, then refused if it holds an invisible or control character (bidi override, zero-width, C0/C1). */
const visibleText = (what: string) =>
  z
    .string()
    .transform((v) => v.normalize("NFC").trim())
    .pipe(
      z.string().check((ctx) => {
        const found = findInvisibleCharacter(ctx.value);
        if (found) ctx.issues.push({ code: "custom", input: ctx.value, message: invisibleCharacterMessage(what, found) });
      }),
    );

export const emailField = visibleText("Your email address")
  .pipe(
    z
      .string()
      .min(1, "Enter your email address.")
      .max(100, "An email address can be at most 100 characters.")
      .pipe(z.email("Enter a valid email address, like name@example.com.")),
  )
  .transform((e) => e.toLowerCase());

export const nameField = visibleText("Your name").pipe(
  z.string().min(1, "Enter your name.").max(245, "A name can be at most 245 characters."),
);

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
 * A redirect target that came from a request (`callbackUrl`, a Referer),
 * made safe: resolved with the WHATWG URL parser against the site's own URL
 * (`siteUrl`, i.e. `SITE_URL`; a parameter so this file stays free of
 * server-only imports) and accepted only when it lands on the site's origin.
 * The parser does what a browser does with `/\t/evil.example`, `/\\evil`,
 * `//evil`, `https:evil`, so whatever it accepts a browser reads the same way.
 * Returns the path, query and fragment on this site, or `fallback`.
 */
export function safeCallbackUrl(value: unknown, siteUrl: string, fallback = "/"): string {
  if (typeof value !== "string" || value === "" || value.length > 2000) return fallback;
  let site: URL;
  let target: URL;
  try {
    site = new URL(siteUrl);
    target = new URL(value, site.origin + "/");
  } catch {
    return fallback;
  }
  if (target.origin !== site.origin || target.username !== "" || target.password !== "") return fallback;
  const path = target.pathname + target.search + target.hash;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser
  // would read as another host: refuse any path that starts with two slashes.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
