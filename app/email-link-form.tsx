"use client";

import { useActionState } from "react";

/** What an "email me a link" form answers (personal-data links, password resets): the same shape for both. */
export type EmailLinkFormState = {
  status: "idle" | "invalid" | "limited" | "sent" | "mail_off";
  message: string | null;
  fieldError: string | null;
  /** What was typed. */
  email: string;
};

type Props = {
  id: string;
  action: (state: EmailLinkFormState, formData: FormData) => Promise<EmailLinkFormState>;
  initial: EmailLinkFormState;
  submitLabel: string;
  pendingLabel: string;
};

/**
 * One `Email` field and a button that mails a link (works without JavaScript
 * too): the answer above it, the address typed kept, its error under it.
 */
export function EmailLinkForm({ id, action, initial, submitLabel, pendingLabel }: Props) {
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
        <label htmlFor={`${id}-email`}>Email</label>
        <input id={`${id}-email`} name="email" type="email" autoComplete="email" required maxLength={200} defaultValue={state.email}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-email-error` : undefined} />
        {error ? <span id={`${id}-email-error`} className="field-error">{error}</span> : null}
      </p>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </p>
    </form>
  );
}
