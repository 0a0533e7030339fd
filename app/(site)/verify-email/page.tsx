import type { Metadata } from "next";
import Link from "next/link";
import { checkVerificationLink } from "@/lib/accounts/verification";
import { verifyEmailAction } from "./actions";

export const metadata: Metadata = { title: "Verify your address", robots: { index: false }, referrer: "same-origin" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PROBLEMS = {
  unknown: "This link does not work: it may have been copied incompletely.",
  used: "This link has already been used, or a newer one was sent since.",
  expired: "This link has expired.",
} as const;

/** The mailed verification link: a button verifies (a mail scanner opening the link verifies nothing). */
export default async function VerifyEmailPage({ searchParams }: Props) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token.slice(0, 100) : "";
  if (params.done !== undefined) {
    return (
      <div className="auth-page">
        <h1 className="page-heading">Your address is verified</h1>
        <p className="form-notice" role="status">
          Thank you: your address is verified. Comments you posted while it was not go through the spam check again now, and
          are published unless something else holds them for a moderator.
        </p>
        <p>
          <Link href="/account/comments">Your comments</Link> · <Link href="/">Front page</Link>
        </p>
      </div>
    );
  }
  const problem = await checkVerificationLink(token);
  return (
    <div className="auth-page">
      <h1 className="page-heading">Verify your address</h1>
      {problem ? (
        <p className="form-message" role="alert">
          {PROBLEMS[problem]} Sign in and use <strong>Resend verification</strong> on <Link href="/account">your account page</Link> for a new link.
        </p>
      ) : (
        <form action={verifyEmailAction} className="auth-form">
          <input type="hidden" name="token" value={token} />
          <p>Confirm that this address is yours: the comments of your account can then be published.</p>
          <p className="form-submit">
            <button type="submit">Verify my address</button>
          </p>
        </form>
      )}
    </div>
  );
}
