"use server";

import { redirect } from "next/navigation";
import { invalidForm, type ChangeFormState } from "@/lib/accounts/change-form";
import { changeName, changePassword, requestEmailChange } from "@/lib/accounts/changes";
import { deleteOwnAccount } from "@/lib/accounts/closing";
import { accountSignInMethods, unlinkIdentity } from "@/lib/accounts/sign-on";
import { resendVerification } from "@/lib/accounts/verification";
import { getCurrentUser, sessionSignedInWith } from "@/lib/auth/session";
import { sessionCookieFor, setSessionCookie } from "@/lib/auth/sign-in";
import { endEverySession } from "@/lib/auth/sign-out";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { commentRequestContext } from "@/lib/comments/request-context";

/**
 * The account page's own changes. Each action reads the account from the
 * session on the server (nothing about whose account comes from the form);
 * Next refuses a server action posted from another origin.
 */
async function signedIn() {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account")}`);
  return user;
}

export async function changeNameAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  const user = await signedIn();
  if (user.banned) return invalidForm("This account has been suspended.");
  const state = await changeName(user, formData);
  if (state.status === "done") await expirePageChanges().catch(() => undefined);
  return state;
}

export async function changePasswordAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  const user = await signedIn();
  const result = await changePassword(user, formData);
  if (!result.ok) return result.state;
  // Every session ended with the old version: this browser gets a new one.
  await setSessionCookie(await sessionCookieFor({ id: String(user.id), name: user.name, email: user.email, sv: result.sessionVersion }));
  return result.state;
}

export async function changeEmailAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  const user = await signedIn();
  const { ip } = await commentRequestContext();
  const methods = await accountSignInMethods(user.id);
  const signOn = await sessionSignedInWith();
  return requestEmailChange({ ...user, hasPassword: methods.password }, formData, ip, { signOnAt: signOn?.method === "sso" ? signOn.at : null });
}

export async function resendVerificationAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  void formData;
  const user = await signedIn();
  const { ip } = await commentRequestContext();
  const result = await resendVerification(user, ip);
  return { status: result.ok ? "done" : "invalid", message: result.message, fieldErrors: {}, values: {} };
}

export async function deleteAccountAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  const user = await signedIn();
  const methods = await accountSignInMethods(user.id);
  const signOn = await sessionSignedInWith();
  const result = await deleteOwnAccount(
    { id: user.id, email: user.email, role: user.role, hasPassword: methods.password },
    formData,
    { signOnAt: signOn?.method === "sso" ? signOn.at : null },
  );
  if (!result.ok) return result.state;
  await expirePageChanges().catch(() => undefined);
  await endEverySession(user.id).catch(() => undefined);
  redirect("/login?deleted=1");
}

/** `Unlink` beside a linked sign-on (never the account's last way in). */
export async function unlinkSignOnAction(_prev: ChangeFormState, formData: FormData): Promise<ChangeFormState> {
  const user = await signedIn();
  const id = Number(formData.get("identity"));
  if (!Number.isSafeInteger(id) || id <= 0) return invalidForm("That sign-in is not linked to your account.");
  const result = await unlinkIdentity(user.id, id);
  return { status: result.ok ? "done" : "invalid", message: result.message, fieldErrors: {}, values: {} };
}
