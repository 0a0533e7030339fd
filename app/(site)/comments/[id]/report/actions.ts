"use server";

import { redirect } from "next/navigation";
import { reportFromRequest, type ReportFormState } from "@/lib/community/report-request";

/**
 * Send report: a plain POST that works with or without JavaScript. Sent, it
 * goes back to the comment (whose control then reads "Reported"); refused,
 * the form comes back with the reason and what the reader chose and typed.
 */
export async function reportCommentAction(_prev: ReportFormState, formData: FormData): Promise<ReportFormState> {
  const result = await reportFromRequest({ commentId: formData.get("commentId"), reason: formData.get("reason"), note: formData.get("note") });
  if (result.kind === "refused") return result.state;
  redirect(result.location);
}
