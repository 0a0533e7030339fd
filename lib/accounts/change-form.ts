/**
 * The answer of the account page's small forms (name, password, address,
 * deletion): a message, a message per field, and what was typed (never a
 * password). Shared by the server actions and the client form.
 */
export type ChangeFormState = {
  status: "idle" | "done" | "invalid";
  message: string | null;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
};

export const EMPTY_CHANGE_FORM: ChangeFormState = { status: "idle", message: null, fieldErrors: {}, values: {} };

export function invalidForm(message: string, fieldErrors: Record<string, string> = {}, values: Record<string, string> = {}): ChangeFormState {
  return { status: "invalid", message, fieldErrors, values };
}

export function doneForm(message: string, values: Record<string, string> = {}): ChangeFormState {
  return { status: "done", message, fieldErrors: {}, values };
}
