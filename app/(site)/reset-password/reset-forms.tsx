"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { NewPasswordState } from "@/lib/accounts/password-reset";

type NewPasswordProps = {
  action: (state: NewPasswordState, formData: FormData) => Promise<NewPasswordState>;
  initial: NewPasswordState;
  token: string;
  rules: string;
};

/** `New password`, `Confirm new password`, `Set new password`; a link that no longer works says so and offers a new one. */
export function NewPasswordForm({ action, initial, token, rules }: NewPasswordProps) {
  const [state, formAction, pending] = useActionState(action, initial);
  if (state.status === "link_problem") {
    return (
      <p className="form-message" role="alert">
        {state.message} <Link href="/reset-password">Ask for a new link</Link>.
      </p>
    );
  }
  const e = state.fieldErrors;
  return (
    <form action={formAction} className="auth-form" noValidate>
      {state.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <p className="form-field">
        <label htmlFor="new-password">New password</label>
        <input id="new-password" name="password" type="password" autoComplete="new-password" required maxLength={1000}
          aria-invalid={e.password ? true : undefined} aria-describedby={e.password ? "new-password-error new-password-rules" : "new-password-rules"} />
        <span id="new-password-rules" className="field-note">{rules}</span>
        {e.password ? <span id="new-password-error" className="field-error">{e.password}</span> : null}
      </p>
      <p className="form-field">
        <label htmlFor="confirm-password">Confirm new password</label>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required maxLength={1000}
          aria-invalid={e.confirm ? true : undefined} aria-describedby={e.confirm ? "confirm-password-error" : undefined} />
        {e.confirm ? <span id="confirm-password-error" className="field-error">{e.confirm}</span> : null}
      </p>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Saving…" : "Set new password"}
        </button>
      </p>
    </form>
  );
}
