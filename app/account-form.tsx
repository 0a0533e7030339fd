"use client";

import { useActionState } from "react";
import type { AccountFormState } from "@/lib/auth/registration";

type Props = {
  action: (state: AccountFormState, formData: FormData) => Promise<AccountFormState>;
  initial: AccountFormState;
  submitLabel: string;
  passwordRules: string;
  callbackUrl?: string;
};

/** Name, email and password: the /register and /setup forms (work without JavaScript too). */
export function AccountForm({ action, initial, submitLabel, passwordRules, callbackUrl }: Props) {
  const [state, formAction, pending] = useActionState(action, initial);
  const e = state.fieldErrors;
  return (
    <form action={formAction} className="auth-form" noValidate>
      {state.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <p className="form-field">
        <label htmlFor="account-name">Name</label>
        <input id="account-name" name="name" type="text" autoComplete="name" required defaultValue={state.values.name}
          aria-invalid={e.name ? true : undefined} aria-describedby={e.name ? "account-name-error" : undefined} />
        {e.name ? <span id="account-name-error" className="field-error">{e.name}</span> : null}
      </p>
      <p className="form-field">
        <label htmlFor="account-email">Email</label>
        <input id="account-email" name="email" type="email" autoComplete="email" required defaultValue={state.values.email}
          aria-invalid={e.email ? true : undefined} aria-describedby={e.email ? "account-email-error" : undefined} />
        {e.email ? <span id="account-email-error" className="field-error">{e.email}</span> : null}
      </p>
      <p className="form-field">
        <label htmlFor="account-password">Password</label>
        <input id="account-password" name="password" type="password" autoComplete="new-password" required
          aria-invalid={e.password ? true : undefined} aria-describedby={e.password ? "account-password-error password-rules" : "password-rules"} />
        <span id="password-rules" className="field-note">{passwordRules}</span>
        {e.password ? <span id="account-password-error" className="field-error">{e.password}</span> : null}
      </p>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Working…" : submitLabel}
        </button>
      </p>
    </form>
  );
}
