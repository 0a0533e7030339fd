"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { setHeldDigest } from "@/lib/mail/preferences";

/** The moderator's digest setting on /account (a plain form: works without JavaScript). */
export async function setHeldDigestAction(formData: FormData): Promise<void> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account")}`);
  const result = await setHeldDigest(user, formData.get("heldDigest"));
  redirect(result.ok ? "/account?digest=saved#digest" : `/account?digest=${encodeURIComponent(result.message)}#digest`);
}
