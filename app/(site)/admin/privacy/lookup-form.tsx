"use client";

import { useActionState } from "react";
import type { PrivacyLookupState } from "./state";

type Props = {
  lookUp: (state: PrivacyLookupState, formData: FormData) => Promise<PrivacyLookupState>;
  erase: (formData: FormData) => Promise<void>;
  initial: PrivacyLookupState;
};

const plural = (n: number) => `${n} comment${n === 1 ? "" : "s"}`;

/** Look an address up, then download or erase what is stored under it. */
export function PrivacyLookup({ lookUp, erase, initial }: Props) {
  const [state, lookUpAction, pending] = useActionState(lookUp, initial);
  const found = state.count !== null && !state.fieldError;
  return (
    <>
      <form action={lookUpAction} className="auth-form" noValidate>
        <p className="form-field">
          <label htmlFor="privacy-email">Email</label>
          <input id="privacy-email" name="email" type="email" required maxLength={200} defaultValue={state.email}
            aria-invalid={state.fieldError ? true : undefined} aria-describedby={state.fieldError ? "privacy-email-error" : undefined} />
          {state.fieldError ? <span id="privacy-email-error" className="field-error">{state.fieldError}</span> : null}
        </p>
        <p className="form-submit">
          <button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? "Working…" : "Look up"}
          </button>
        </p>
      </form>
      {found ? (
        <div className="panel" aria-live="polite">
          <p>
            <strong data-testid="comment-count">{plural(state.count!)}</strong> stored under {state.email}.
          </p>
          <form action="/admin/privacy/download" method="post" className="inline-form">
            <input type="hidden" name="email" value={state.email} />
            <button type="submit">Download JSON</button>
          </form>
          <form action={erase} className="stack-form">
            <input type="hidden" name="email" value={state.email} />
            <label className="form-check">
              <input type="checkbox" name="confirm" value="yes" required /> I am sure: erase {plural(state.count!)} and the mail
              addressed to {state.email}
            </label>
            <p className="form-submit">
              <button type="submit" className="button--danger">
                Erase {plural(state.count!)}
              </button>
            </p>
          </form>
        </div>
      ) : null}
    </>
  );
}
