import type { Metadata } from "next";
import Link from "next/link";
import { mailEnabled } from "@/lib/mail/outbox";
import { EMPTY_DATA_LINK_FORM, MAIL_OFF } from "@/lib/privacy/link-request";
import { requestDataLinkAction } from "./actions";
import { EmailLinkForm } from "@/app/email-link-form";

export const metadata: Metadata = { title: "Your comments and your data", robots: { index: false } };
export const dynamic = "force-dynamic";

/** Guests ask for a link, mailed to their address, to download or erase the comments stored under it. */
export default function MyDataPage() {
  const mail = mailEnabled();
  return (
    <div className="auth-page">
      <h1 className="page-heading">Your comments and your data</h1>
      <p>
        Every comment keeps the name, email and website you typed, and the IP address and browser it came from. You can
        download all the comments posted under your email address, or erase them.
      </p>
      {mail ? (
        <>
          <p className="muted">
            Type your email address: we mail you a link to your comments, valid for 24 hours. Only someone who can read that
            mailbox can use it.
          </p>
          <EmailLinkForm id="data" action={requestDataLinkAction} initial={EMPTY_DATA_LINK_FORM} submitLabel="Send me a link" pendingLabel="Working…" />
        </>
      ) : (
        <p className="form-message" role="alert">
          {MAIL_OFF}
        </p>
      )}
      <p className="muted">
        Have an account? Your comments posted while signed in are on <Link href="/account/data">Your data</Link>.
      </p>
    </div>
  );
}
