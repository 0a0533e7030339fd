"use server";

import { redirect } from "next/navigation";
import { refererPath } from "@/lib/auth/session";
import { endSession } from "@/lib/auth/sign-out";

/** Sign out (a POST from any page): back to the page it came from, or home. */
export async function signOutAction(): Promise<void> {
  await endSession();
  const back = await refererPath("/");
  // Private pages would only bounce to /login: go home instead.
  redirect(/^\/(admin|moderation|editor)([/?]|$)/.test(back) ? "/" : back);
}
