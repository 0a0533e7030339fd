"use client";

import { useActionState } from "react";
import type { DataLinkFormState } from "@/lib/privacy/link-request";

type Props = {
  action: (state: DataLinkFormState, formData: FormData) => Promise<DataLinkFormState>;
  initial: DataLinkFormState;
};

/** The email address to mail a link to (works without JavaScript too). */
export function DataLinkForm({ action, initial }: Props) {
  const [state, formAction, pending] = useActionState(action, initial);
  const error = state.fieldError;
  return (
    <form action={formAction} className="auth-form" noValidate>
      {state.message ? (
        <p className={state.status === "sent" ? "form-notice" : "form-message"} role={state.status === "sent" ? "status" : "alert"}>
          {state.message}
        </p>
      ) : null}
      <p className="form-field">
        <label htmlFor="data-email">Email</label>
        <input id="data-email" name="email" type="email" autoComplete="email" required maxLength={200} defaultValue={state.email}
          aria-invalid={error ? true : undefined} aria-describedby={error ? "data-email-error" : undefined} />
        {error ? <span id="data-email-error" className="field-error">{error}</span> : null}
      </p>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Working…" : "Send me a link"}
        </button>
      </p>
    </form>
  );
}
