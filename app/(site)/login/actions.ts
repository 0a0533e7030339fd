"use server";

import { cookies, headers } from "next/headers";
import { completePendingLink, decodePendingLink } from "@/lib/accounts/sign-on";
import { pendingLinkCookie } from "@/lib/auth/options";
import { redirect } from "next/navigation";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { setSessionCookie, signInWithPassword, type SignInFormState } from "@/lib/auth/sign-in";

/**
 * The sign-in form (with or without JavaScript: a POST either way). On
 * success the session cookie is set and the browser goes to `callbackUrl`,
 * checked again here since it comes from the form.
 */
export async function signInAction(_prev: SignInFormState, formData: FormData): Promise<SignInFormState> {
  const result = await signInWithPassword(formData, await headers());
  if (!result.ok) return result.state;
  await setSessionCookie(result.cookie);
  // A single sign-on that waited for this account's password (its signed cookie, set in this browser): linked now.
  const jar = await cookies();
  const cookieName = pendingLinkCookie();
  const pending = decodePendingLink(jar.get(cookieName)?.value);
  if (jar.has(cookieName)) jar.delete({ name: cookieName, path: "/", secure: cookieName.startsWith("__Host-") });
  if (pending) {
    const linked = await completePendingLink({ id: Number(result.user.id), email: result.user.email }, pending);
    if (linked === "linked") redirect("/account?changed=sso-linked");
    if (linked === "staff") redirect("/account?changed=sso-staff");
  }
  redirect(siteRedirectPath(formData.get("callbackUrl")));
}
