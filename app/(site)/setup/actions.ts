"use server";

import { notFound, redirect } from "next/navigation";
import { registerAccount, type AccountFormState } from "@/lib/auth/registration";
import { adminExists } from "@/lib/auth/users";
import { commentRequestContext } from "@/lib/comments/request-context";

/** Creates the first admin; gone (404) once one exists. */
export async function setupAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  if (await adminExists()) notFound();
  const { ip } = await commentRequestContext();
  const result = await registerAccount(formData, "admin", { ip, onlyIfNoAdmin: true, emailVerified: true });
  if (!result.ok) {
    if (await adminExists()) notFound();
    return result.state;
  }
  redirect(`/login?setup=1&email=${encodeURIComponent(result.email)}&callbackUrl=${encodeURIComponent("/admin")}`);
}
