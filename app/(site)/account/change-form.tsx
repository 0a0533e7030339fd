"use client";

import { useActionState } from "react";
import { EMPTY_CHANGE_FORM, type ChangeFormState } from "@/lib/accounts/change-form";

export type ChangeField = {
  name: string;
  label: string;
  type: "text" | "email" | "password" | "checkbox";
  autoComplete?: string;
  maxLength?: number;
  note?: string;
  defaultValue?: string;
};

type Props = {
  id: string;
  action: (state: ChangeFormState, formData: FormData) => Promise<ChangeFormState>;
  fields: ChangeField[];
  submitLabel: string;
  pendingLabel: string;
  hidden?: Record<string, string>;
};

/**
 * One of the account page's small forms (a POST with or without JavaScript):
 * the answer above it, a message under each field, what was typed kept
 * (never a password).
 */
export function ChangeForm({ id, action, fields, submitLabel, pendingLabel, hidden }: Props) {
  const [state, formAction, pending] = useActionState(action, EMPTY_CHANGE_FORM);
  return (
    <form action={formAction} className="auth-form" noValidate>
      {state.message ? (
        <p className={state.status === "done" ? "form-notice" : "form-message"} role={state.status === "done" ? "status" : "alert"}>
          {state.message}
        </p>
      ) : null}
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((f) => {
        const fieldId = `${id}-${f.name}`;
        const error = state.fieldErrors[f.name];
        const described = [f.note ? `${fieldId}-note` : "", error ? `${fieldId}-error` : ""].filter(Boolean).join(" ") || undefined;
        if (f.type === "checkbox") {
          return (
            <div key={f.name}>
              <p className="form-check">
                <input id={fieldId} name={f.name} type="checkbox" value="yes" aria-invalid={error ? true : undefined} aria-describedby={described} />
                <label htmlFor={fieldId}>{f.label}</label>
              </p>
              {error ? <p id={`${fieldId}-error`} className="field-error">{error}</p> : null}
            </div>
          );
        }
        return (
          <p className="form-field" key={f.name}>
            <label htmlFor={fieldId}>{f.label}</label>
            <input
              id={fieldId}
              name={f.name}
              type={f.type}
              autoComplete={f.autoComplete}
              maxLength={f.maxLength ?? 1000}
              defaultValue={f.type === "password" ? undefined : (state.values[f.name] ?? f.defaultValue ?? "")}
              aria-invalid={error ? true : undefined}
              aria-describedby={described}
            />
            {f.note ? <span id={`${fieldId}-note`} className="field-note">{f.note}</span> : null}
            {error ? <span id={`${fieldId}-error`} className="field-error">{error}</span> : null}
          </p>
        );
      })}
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </p>
    </form>
  );
}
