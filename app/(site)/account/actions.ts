"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { endEverySession } from "@/lib/auth/sign-out";

/** "Sign out everywhere" (a POST from /account): every session of the account ends, this one too. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account")}`);
  await endEverySession(user.id);
  redirect("/");
}
