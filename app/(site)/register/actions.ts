"use server";

import { redirect } from "next/navigation";
import type { AccountFormState } from "@/lib/auth/registration";
import { registerReader } from "@/lib/accounts/registration";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { commentRequestContext } from "@/lib/comments/request-context";

export async function registerAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const { ip } = await commentRequestContext();
  const result = await registerReader(formData, ip);
  if (!result.ok) return result.state;
  const callbackUrl = siteRedirectPath(formData.get("callbackUrl"));
  redirect(`/login?registered=1&email=${encodeURIComponent(result.email)}&callbackUrl=${encodeURIComponent(callbackUrl)}`);
}
