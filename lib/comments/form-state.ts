import type { CommentFormValues, FieldErrors } from "./validation";

/** What the comment form's server action answers (for useActionState). */
export type CommentFormState = {
  message: string | null;
  fieldErrors: FieldErrors;
  /** What the person typed, put back into the form after an error. */
  values: CommentFormValues | null;
  /** A fresh form token when the one the form was rendered with has expired. */
  formToken?: string;
};

export const INITIAL_COMMENT_FORM_STATE: CommentFormState = { message: null, fieldErrors: {}, values: null };
