import "server-only";
import type { UserRole } from "@/db/schema";
import type { Db } from "@/lib/db";
import { consumeRegistration } from "./registration-limit";
import { newAccountSchema } from "./rules";
import { createAccount } from "./users";

export type AccountFormState = {
  message: string | null;
  fieldErrors: Partial<Record<"name" | "email" | "password", string>>;
  /** What was typed (never the password). */
  values: { name: string; email: string };
};

export const EMPTY_ACCOUNT_FORM: AccountFormState = { message: null, fieldErrors: {}, values: { name: "", email: "" } };

/** `id` null: the address had an account, and the answer is the same as for a new one (onTaken). */
export type RegistrationResult = { ok: true; id: number | null; email: string } | { ok: false; state: AccountFormState };

/**
 * Validates and creates an account from a form: a reader (`/register`) or the
 * first admin (`/setup`, refused once an admin exists). Each valid attempt
 * counts against the limit for the sender's address (`ip`) before the
 * password is hashed.
 */
export async function registerAccount(
  formData: FormData,
  role: UserRole,
  options: {
    ip: string;
    onlyIfNoAdmin?: boolean;
    /** The address counts as verified (the first admin, at /setup). */
    emailVerified?: boolean;
    /** Runs in the transaction that creates the account. */
    onCreated?: (tx: Db, account: { id: number; name: string; email: string }) => Promise<void>;
    /**
     * The address has an account already: true answers as if the account had
     * been created (the owner is told by mail instead), so the page does not
     * reveal which addresses have accounts.
     */
    onTaken?: (email: string) => Promise<boolean>;
  },
): Promise<RegistrationResult> {
  const raw = {
    name: String(formData.get("name") ?? ""),
    email: String(formData.get("email") ?? ""),
    password: String(formData.get("password") ?? ""),
  };
  const values = { name: raw.name.slice(0, 300), email: raw.email.slice(0, 200) };
  const parsed = newAccountSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: AccountFormState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof AccountFormState["fieldErrors"];
      fieldErrors[key] ??= issue.message;
    }
    return { ok: false, state: { message: "Please correct the highlighted fields.", fieldErrors, values } };
  }
  const refused = await consumeRegistration(options.ip);
  if (refused) return { ok: false, state: { message: refused, fieldErrors: {}, values } };
  const created = await createAccount({
    ...parsed.data,
    role,
    onlyIfNoAdmin: options.onlyIfNoAdmin,
    emailVerified: options.emailVerified,
    onCreated: options.onCreated,
  });
  if (!created.ok && created.reason === "email_taken" && options.onTaken && (await options.onTaken(parsed.data.email))) {
    return { ok: true, id: null, email: parsed.data.email };
  }
  if (!created.ok) {
    return created.reason === "email_taken"
      ? {
          ok: false,
          state: {
            message: "Please correct the highlighted fields.",
            fieldErrors: { email: "An account with this email already exists. Sign in instead." },
            values,
          },
        }
      : { ok: false, state: { message: "An admin account already exists.", fieldErrors: {}, values } };
  }
  return { ok: true, id: created.id, email: parsed.data.email };
}
