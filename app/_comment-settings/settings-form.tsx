"use client";

import { useActionState } from "react";
import { saveCommentSettingsAction, type CommentSettingsFormState } from "./actions";

/** Pre-moderation and the message above the comments; refused, it comes back with what was typed. */
export function CommentSettingsForm({
  articleId,
  initial,
  messageMax,
}: {
  articleId: number;
  initial: { message: string; premoderateAll: boolean; premoderateLinks: boolean };
  messageMax: number;
}) {
  const [state, action, pending] = useActionState<CommentSettingsFormState, FormData>(saveCommentSettingsAction, null);
  const values = state?.values ?? initial;
  return (
    <form action={action} className="stack-form" key={state ? "again" : "first"}>
      <input type="hidden" name="articleId" value={articleId} />
      {state?.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <label className="form-check">
        <input type="checkbox" name="premoderateAll" defaultChecked={values.premoderateAll} /> Pre-moderate all comments
      </label>
      <label className="form-check">
        <input type="checkbox" name="premoderateLinks" defaultChecked={values.premoderateLinks} /> Pre-moderate comments with links
      </label>
      <div className="form-field">
        <label htmlFor="comments-message">Message above the comments</label>
        <textarea
          id="comments-message"
          name="message"
          rows={3}
          maxLength={messageMax}
          defaultValue={values.message}
          aria-describedby="comments-message-hint"
          aria-invalid={state?.message ? true : undefined}
        />
        <span id="comments-message-hint" className="field-note">
          Plain text, at most {messageMax} characters, shown to every reader above the thread. Empty: none.
        </span>
      </div>
      <button type="submit" disabled={pending}>
        Save comment settings
      </button>
    </form>
  );
}
