"use server";

import { redirect } from "next/navigation";
import { confirmEmailChange, undoEmailChange } from "@/lib/accounts/changes";
import { getCurrentUser } from "@/lib/auth/session";
import { endSession } from "@/lib/auth/sign-out";

/** The link mailed to a new address: the account moves to it (a POST from the link's page). */
export async function confirmEmailAction(formData: FormData): Promise<void> {
  const token = String(formData.get("token") ?? "").slice(0, 100);
  const result = await confirmEmailChange(token);
  if (!result.ok) redirect(`/confirm-email?token=${encodeURIComponent(token)}&problem=${result.problem}`);
  redirect((await getCurrentUser()) ? "/account?changed=email-changed" : "/confirm-email?done=changed");
}

/** The undo link mailed to the old address: the account comes back to it, and every session ends (this one too). */
export async function undoEmailAction(formData: FormData): Promise<void> {
  const token = String(formData.get("token") ?? "").slice(0, 100);
  const result = await undoEmailChange(token);
  if (!result.ok) redirect(`/confirm-email?undo=1&token=${encodeURIComponent(token)}&problem=${result.problem}`);
  await endSession();
  redirect("/confirm-email?done=undone");
}
