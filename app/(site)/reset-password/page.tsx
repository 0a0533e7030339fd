import type { Metadata } from "next";
import Link from "next/link";
import { checkResetLink, EMPTY_NEW_PASSWORD, EMPTY_RESET_REQUEST, LINK_PROBLEMS, RESET_MAIL_OFF } from "@/lib/accounts/password-reset";
import { PASSWORD_RULES } from "@/lib/auth/rules";
import { mailEnabled } from "@/lib/mail/outbox";
import { requestResetAction, setNewPasswordAction } from "./actions";
import { EmailLinkForm } from "@/app/email-link-form";
import { NewPasswordForm } from "./reset-forms";

export const metadata: Metadata = { title: "Set a new password", robots: { index: false }, referrer: "same-origin" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * "Forgot your password?": without a token, the address to mail a link to;
 * with the link's token, the new password (or why the link no longer works,
 * and the form to ask for a new one). Works without JavaScript.
 */
export default async function ResetPasswordPage({ searchParams }: Props) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token.slice(0, 100) : null;
  if (token !== null) {
    const problem = await checkResetLink(token);
    return (
      <div className="auth-page">
        <h1 className="page-heading">Set a new password</h1>
        {problem ? (
          <>
            <p className="form-message" role="alert">
              {LINK_PROBLEMS[problem]}
            </p>
            <RequestSection />
          </>
        ) : (
          <>
            <p className="muted">Choose a new password. Every browser signed in to your account is then signed out, and this one signed in.</p>
            <NewPasswordForm action={setNewPasswordAction} initial={EMPTY_NEW_PASSWORD} token={token} rules={PASSWORD_RULES} />
          </>
        )}
      </div>
    );
  }
  return (
    <div className="auth-page">
      <h1 className="page-heading">Forgot your password?</h1>
      <RequestSection />
      <p className="muted">
        Remembered it? <Link href="/login">Sign in</Link>.
      </p>
    </div>
  );
}

function RequestSection() {
  if (!mailEnabled()) {
    return (
      <p className="form-message" role="alert">
        {RESET_MAIL_OFF}
      </p>
    );
  }
  return (
    <>
      <p className="muted">Type the address of your account: we mail you a link to set a new password. It works once, for one hour.</p>
      <EmailLinkForm id="reset" action={requestResetAction} initial={EMPTY_RESET_REQUEST} submitLabel="Send reset link" pendingLabel="Sending…" />
    </>
  );
}
