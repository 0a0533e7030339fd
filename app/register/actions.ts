"use server";

import { redirect } from "next/navigation";
import { registerAccount, type AccountFormState } from "@/lib/auth/registration";
import { siteRedirectPath } from "@/lib/auth/redirect-target";

export async function registerAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const result = await registerAccount(formData, "reader");
  if (!result.ok) return result.state;
  const callbackUrl = siteRedirectPath(formData.get("callbackUrl"));
  redirect(`/login?registered=1&email=${encodeURIComponent(result.email)}&callbackUrl=${encodeURIComponent(callbackUrl)}`);
}
