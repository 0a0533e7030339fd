"use server";

import { redirect } from "next/navigation";
import { requestPasswordReset, resetPassword, type NewPasswordState, type ResetRequestState } from "@/lib/accounts/password-reset";
import { ACCOUNT_SUSPENDED } from "@/lib/auth/rules";
import { sessionCookieFor, setSessionCookie } from "@/lib/auth/sign-in";
import { commentRequestContext } from "@/lib/comments/request-context";

/** "Send reset link": the same answer whether or not an account uses the address. */
export async function requestResetAction(_prev: ResetRequestState, formData: FormData): Promise<ResetRequestState> {
  const { ip } = await commentRequestContext();
  return requestPasswordReset(formData.get("email"), ip);
}

/** "Set new password": every session of the account ends, and this browser is signed in with the new password. */
export async function setNewPasswordAction(_prev: NewPasswordState, formData: FormData): Promise<NewPasswordState> {
  const { ip } = await commentRequestContext();
  const result = await resetPassword(formData, ip);
  if (!result.ok) return result.state;
  const { account } = result;
  if (account.banned) return { status: "invalid", message: `Your password was changed. ${ACCOUNT_SUSPENDED}`, fieldErrors: {}, problem: null };
  await setSessionCookie(await sessionCookieFor({ id: String(account.id), name: account.name, email: account.email, sv: account.sessionVersion }));
  redirect("/account?changed=password-reset");
}
