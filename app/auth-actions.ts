"use server";

import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { safeCallbackUrl } from "@/lib/auth/rules";
import { endSession } from "@/lib/auth/sign-out";

/** Sign out (a POST from any page): back to the page it came from, or home. */
export async function signOutAction(formData: FormData): Promise<void> {
  await endSession();
  const from = formData.get("from");
  let back = safeCallbackUrl(from, "");
  if (!back) {
    const referer = (await headers()).get("referer");
    try {
      back = referer ? safeCallbackUrl(new URL(referer).pathname, "/") : "/";
    } catch {
      back = "/";
    }
  }
  // Private pages would only bounce to /login: go home instead.
  if (/^\/(admin|moderation|editor)(\/|$)/.test(back)) back = "/";
  redirect(back);
}
