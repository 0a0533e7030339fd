import { plural, type NoticeCatalog } from "@/lib/http/notices";

/**
 * What /admin/privacy says after its erase action (lib/http/notices.ts):
 * codes in the address, fixed text here. `?notice=erased&comments=2&mails=0`.
 */
export const PRIVACY_NOTICES: NoticeCatalog = {
  erased: (v) => {
    const comments = v.count("comments");
    const mails = v.count("mails");
    if (comments === null || mails === null) return null;
    return `Erased ${plural(comments, "comment")} and ${plural(mails, "message")}. The audit log below has the entry.`;
  },
};

/** `?error=<code>` on /admin/privacy. */
export const PRIVACY_ERRORS: NoticeCatalog = {
  confirm: () => "Tick “I am sure” to erase; nothing changed.",
  // The erase form sends back the address the look-up found: only a tampered form gets here.
  email: () => "That is not a valid email address (look it up again); nothing changed.",
};
