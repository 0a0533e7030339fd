"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { noticeQuery } from "@/lib/http/notices";
import { setHeldDigest } from "@/lib/mail/preferences";

/** The moderator's digest setting on /account (a plain form: works without JavaScript). */
export async function setHeldDigestAction(formData: FormData): Promise<void> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account")}`);
  const result = await setHeldDigest(user, formData.get("heldDigest"));
  // A code, not text, in the address (lib/http/notices.ts): the page has the words (DIGEST_NOTICES).
  redirect(`/account?${noticeQuery("digest", { code: result.ok ? "saved" : result.code })}#digest`);
}
