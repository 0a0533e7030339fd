"use server";

import { redirect } from "next/navigation";
import { verifyEmail } from "@/lib/accounts/verification";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { recheckComments } from "@/lib/jobs/akismet-retry";

/**
 * "Verify my address": marks the address verified and sends the account's
 * comments held "Email not verified" through the Akismet check at once
 * (claimed, so the retry job never checks one twice; one it cannot check now
 * waits for the job's next round).
 */
export async function verifyEmailAction(formData: FormData): Promise<void> {
  const token = String(formData.get("token") ?? "").slice(0, 100);
  const result = await verifyEmail(token);
  if (!result.ok) redirect(`/verify-email?token=${encodeURIComponent(token)}`);
  if (result.recheck.length > 0) {
    await recheckComments({ onlyIds: result.recheck, ignoreSchedule: true, batchSize: result.recheck.length }).catch((error: unknown) => {
      // Still marked for a re-check: the retry job takes them on its next round.
      console.error("[verify-email] re-check failed, left to the retry job:", error);
    });
  }
  await expirePageChanges().catch(() => undefined);
  redirect("/verify-email?done=1");
}
