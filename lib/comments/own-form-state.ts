/** What the edit and delete forms of a commenter's own comment answer (for useActionState). */
export type OwnCommentFormState = {
  message: string | null;
  /** The text the person typed, put back into the edit form after a refusal. */
  content: string | null;
  /** The field's own error (limits, invisible characters), shown under the textarea. */
  contentError?: string;
};

export const INITIAL_OWN_COMMENT_FORM_STATE: OwnCommentFormState = { message: null, content: null };
