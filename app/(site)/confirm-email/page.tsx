import type { Metadata } from "next";
import Link from "next/link";
import { checkEmailLink } from "@/lib/accounts/changes";
import { confirmEmailAction, undoEmailAction } from "./actions";

export const metadata: Metadata = { title: "Your email address", robots: { index: false }, referrer: "same-origin" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PROBLEMS: Record<string, string> = {
  unknown: "This link does not work: it may have been copied incompletely.",
  used: "This link has already been used, or the account's address changed since it was sent.",
  expired: "This link has expired.",
  taken: "Another account uses that address now, so the change cannot be made.",
};

/**
 * The links of an address change: the one mailed to the new address
 * (confirm), and the one mailed to the old address (`undo=1`). Each page
 * shows a button; only the POST changes anything (a mail scanner following
 * a link changes nothing).
 */
export default async function ConfirmEmailPage({ searchParams }: Props) {
  const params = await searchParams;
  const undo = params.undo !== undefined;
  const token = typeof params.token === "string" ? params.token.slice(0, 100) : "";
  if (params.done === "changed" || params.done === "undone") {
    return (
      <div className="auth-page">
        <h1 className="page-heading">{params.done === "changed" ? "Your new address is confirmed" : "The change is undone"}</h1>
        <p className="form-notice" role="status">
          {params.done === "changed"
            ? "Your account now uses its new address. Sign in with it from now on."
            : "Your account is back on this address, and every session of it was signed out. If you did not make the change, set a new password now."}
        </p>
        <p>
          {params.done === "undone" ? <Link href="/reset-password">Set a new password</Link> : <Link href="/login">Sign in</Link>}
        </p>
      </div>
    );
  }
  const problemCode = typeof params.problem === "string" && params.problem in PROBLEMS ? params.problem : null;
  const link = problemCode ? null : await checkEmailLink(token, undo ? "email_undo" : "email_change");
  const problem = problemCode ?? (link && !link.ok ? link.problem : null);
  return (
    <div className="auth-page">
      <h1 className="page-heading">{undo ? "Undo the address change" : "Confirm your new address"}</h1>
      {problem || !link?.ok ? (
        <p className="form-message" role="alert">
          {PROBLEMS[problem ?? "unknown"]} <Link href="/account">Your account</Link>
        </p>
      ) : (
        <form action={undo ? undoEmailAction : confirmEmailAction} className="auth-form">
          <input type="hidden" name="token" value={token} />
          <p>
            {undo
              ? `Your account goes back to ${link.email}, and every browser signed in to it is signed out.`
              : `Your account's address becomes ${link.email}.`}
          </p>
          <p className="form-submit">
            <button type="submit">{undo ? "Undo the change" : "Confirm my new address"}</button>
          </p>
        </form>
      )}
    </div>
  );
}
