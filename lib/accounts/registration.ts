import "server-only";
import { registerAccount, type RegistrationResult } from "@/lib/auth/registration";
import { getAccountForSignIn } from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { enqueueMail, mailEnabled } from "@/lib/mail/outbox";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { addressDigest } from "./limits";
import { alreadyRegisteredMessage } from "./messages";
import { queueVerification } from "./verification";

/**
 * A reader creates an account (/register). With mail configured:
 * - the account is mailed a verification link, queued in the transaction
 *   that creates it;
 * - an address that already has an account gets the same answer as a new
 *   one, and its owner a message saying someone tried (at most one an hour),
 *   so the page does not tell who has an account here.
 * Without mail, no link can prove an address: the page says the address is
 * taken, as before (the sign-in limits still bound guessing).
 */
export async function registerReader(formData: FormData, ip: string): Promise<RegistrationResult> {
  if (!mailEnabled()) return registerAccount(formData, "reader", { ip });
  return registerAccount(formData, "reader", {
    ip,
    onCreated: (tx, account) => queueVerification(tx, account),
    onTaken: async (email) => {
      const owner = await getAccountForSignIn(email);
      if (owner) {
        const message = alreadyRegisteredMessage({
          siteName: SITE_NAME,
          name: owner.name,
          loginUrl: absoluteUrl("/login"),
          resetPageUrl: absoluteUrl("/reset-password"),
        });
        await enqueueMail(getDb(), {
          kind: "account_notice",
          dedupeKey: `already-registered:${addressDigest(email)}:${Math.floor(Date.now() / 3_600_000)}`,
          to: owner.email,
          ...message,
          headers: { "Auto-Submitted": "auto-generated" },
        });
      }
      return true;
    },
  });
}
