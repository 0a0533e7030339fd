/** What the admin's look-up form shows (app/(site)/admin/privacy). */
export type PrivacyLookupState = {
  /** The address typed. */
  email: string;
  /** Comments stored under it, once looked up. */
  count: number | null;
  fieldError: string | null;
};

export const EMPTY_LOOKUP: PrivacyLookupState = { email: "", count: null, fieldError: null };
