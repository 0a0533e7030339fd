"use server";

import { headers } from "next/headers";
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
  redirect(siteRedirectPath(formData.get("callbackUrl")));
}
