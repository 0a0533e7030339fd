import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { consumeAttempt, databaseLimiter } from "@/lib/auth/rate-limit";
import { getCurrentUser } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "@/lib/comments/ownership";
import { commentLocation } from "@/lib/comments/permalink";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { getSettings } from "@/lib/settings";
import { REPORT_REASONS, type ReportReason } from "@/db/model";
import { REPORT_NOTE_MAX, reportComment } from "./reports";
import { reportPath } from "./report-path";
import { standingOf, standingRefusal } from "./standing";

/**
 * A report for the request being served (the report form, with or without
 * JavaScript): who sends it, whether they may, and where they go next.
 */

const input = z.object({
  commentId: z.coerce.number().int().positive().max(2 ** 31 - 1),
  reason: z.enum(REPORT_REASONS, { message: "Choose why you are reporting this comment." }),
  note: z
    .string()
    .max(REPORT_NOTE_MAX, `The note can be at most ${REPORT_NOTE_MAX} characters.`)
    .refine((v) => !v.includes("\u0000"), "The note contains a character that cannot be stored.")
    .transform((v) => v.trim()),
});

export type ReportFormState = {
  message: string;
  fieldErrors: { reason?: string; note?: string };
  values: { reason: string; note: string };
} | null;

export type ReportRequestResult =
  | { kind: "done"; location: string }
  | { kind: "sign_in"; location: string }
  | { kind: "refused"; state: NonNullable<ReportFormState> };

/** Reads the form, bounded before anything else reads it. */
function formValues(raw: { reason: unknown; note: unknown }) {
  return {
    reason: typeof raw.reason === "string" ? raw.reason.slice(0, 40) : "",
    note: typeof raw.note === "string" ? raw.note.slice(0, REPORT_NOTE_MAX * 4) : "",
  };
}

export async function reportFromRequest(raw: { commentId: unknown; reason: unknown; note: unknown }): Promise<ReportRequestResult> {
  const values = formValues(raw);
  const refused = (message: string, fieldErrors: NonNullable<ReportFormState>["fieldErrors"] = {}): ReportRequestResult => ({
    kind: "refused",
    state: { message, fieldErrors, values },
  });
  const id = z.coerce.number().int().positive().max(2 ** 31 - 1).safeParse(raw.commentId);
  if (!id.success) return refused("That comment could not be found.");
  const user = await getCurrentUser();
  if (!user) return { kind: "sign_in", location: `/login?callbackUrl=${encodeURIComponent(reportPath(id.data))}` };
  const refusal = standingRefusal(standingOf(user), "report comments");
  if (refusal) return refused(refusal);
  const parsed = input.safeParse({ commentId: id.data, ...values });
  if (!parsed.success) {
    const fieldErrors: NonNullable<ReportFormState>["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if ((key === "reason" || key === "note") && !fieldErrors[key]) fieldErrors[key] = issue.message;
    }
    return refused("Please check the form: nothing was sent.", fieldErrors);
  }
  const settings = await getSettings();
  const attempt = await consumeAttempt([
    { limiter: databaseLimiter("report", settings.reportsPerHour, 3600), key: `user:${user.id}`, reason: "report" },
  ]);
  if (!attempt.ok) {
    const minutes = Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000));
    return refused(`You have sent ${settings.reportsPerHour} reports in the last hour. You can report again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`);
  }
  const ownIds = readOwnCommentIds((await cookies()).get(OWN_COMMENTS_COOKIE)?.value);
  const result = await reportComment({
    commentId: parsed.data.commentId,
    userId: user.id,
    userName: user.name,
    reason: parsed.data.reason as ReportReason,
    note: parsed.data.note,
    ownIds,
    reportsToHold: settings.reportsToHold,
  });
  if (!result.ok) return refused(result.message);
  // A comment held by its reports leaves the public pages now.
  if (result.held) {
    await expirePageChanges().catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) throw error;
    });
  }
  const location = (await commentLocation(result.commentId)) ?? `/articles/${result.articleSlug}#comments`;
  return { kind: "done", location };
}
