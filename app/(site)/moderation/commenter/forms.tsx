"use client";

import { useActionState } from "react";
import { addNoteAction, suspendAction, type CommenterFormState } from "./actions";

type Subject = { account?: number; email?: string };

function SubjectFields({ subject }: { subject: Subject }) {
  return subject.account ? <input type="hidden" name="account" value={subject.account} /> : <input type="hidden" name="email" value={subject.email} />;
}

/** Suspend: a length and an optional message the reader sees; refused, it comes back with what was chosen and typed. */
export function SuspendForm({ subject, choices, messageMax }: { subject: Subject; choices: { value: string; label: string }[]; messageMax: number }) {
  const [state, action, pending] = useActionState<CommenterFormState, FormData>(suspendAction, null);
  return (
    <form action={action} className="stack-form" aria-labelledby="suspend-title">
      <h3 id="suspend-title">Suspend</h3>
      <SubjectFields subject={subject} />
      {state?.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <fieldset>
        <legend>For how long</legend>
        {choices.map((c, i) => (
          <label key={c.value} className="form-check">
            <input type="radio" name="length" value={c.value} defaultChecked={state ? state.values.length === c.value : i === 0} /> {c.label}
          </label>
        ))}
      </fieldset>
      <div className="form-field">
        <label htmlFor="suspension-message">Message to the reader (optional)</label>
        <textarea id="suspension-message" name="message" rows={3} maxLength={messageMax} defaultValue={state?.values.message ?? ""} />
        <span className="field-note">Shown on their comment form until the suspension ends. Plain text, at most {messageMax} characters.</span>
      </div>
      <button type="submit" disabled={pending}>
        Suspend
      </button>
    </form>
  );
}

export function NoteForm({ subject, max }: { subject: Subject; max: number }) {
  const [state, action, pending] = useActionState<CommenterFormState, FormData>(addNoteAction, null);
  return (
    <form action={action} className="stack-form">
      <SubjectFields subject={subject} />
      {state?.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <div className="form-field">
        <label htmlFor="note-body">Note</label>
        <textarea id="note-body" name="body" rows={3} maxLength={max} required defaultValue={state?.values.body ?? ""} />
        <span className="field-note">Seen by moderators and admins only.</span>
      </div>
      <button type="submit" disabled={pending}>
        Add note
      </button>
    </form>
  );
}
