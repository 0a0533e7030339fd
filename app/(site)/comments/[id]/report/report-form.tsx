"use client";

import { useActionState } from "react";
import type { ReportFormState } from "@/lib/community/report-request";
import { reportCommentAction } from "./actions";

type Reason = { value: string; label: string };

/** The reader's report: a reason, an optional note, `Send report`. The reason and note survive a refusal. */
export function ReportForm({ commentId, reasons, noteMax }: { commentId: number; reasons: Reason[]; noteMax: number }) {
  const [state, action, pending] = useActionState<ReportFormState, FormData>(reportCommentAction, null);
  const errors = state?.fieldErrors ?? {};
  return (
    <form action={action} className="report-form" noValidate>
      <input type="hidden" name="commentId" value={commentId} />
      {state?.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <fieldset aria-describedby={errors.reason ? "reason-error" : undefined}>
        <legend>Why are you reporting this comment?</legend>
        {reasons.map((r) => (
          <label key={r.value} className="form-check">
            <input type="radio" name="reason" value={r.value} defaultChecked={state?.values.reason === r.value} required /> {r.label}
          </label>
        ))}
        {errors.reason ? (
          <p id="reason-error" className="field-error">
            {errors.reason}
          </p>
        ) : null}
      </fieldset>
      <div className="form-field">
        <label htmlFor="report-note">Note (optional)</label>
        <textarea
          id="report-note"
          name="note"
          rows={4}
          maxLength={noteMax}
          defaultValue={state?.values.note ?? ""}
          aria-describedby={`report-note-hint${errors.note ? " note-error" : ""}`}
          aria-invalid={errors.note ? true : undefined}
        />
        <span id="report-note-hint" className="field-note">
          At most {noteMax} characters. Moderators read it; the commenter does not.
        </span>
        {errors.note ? (
          <span id="note-error" className="field-error">
            {errors.note}
          </span>
        ) : null}
      </div>
      <button type="submit" disabled={pending}>
        Send report
      </button>
    </form>
  );
}
