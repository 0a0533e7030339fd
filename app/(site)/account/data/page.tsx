import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { countSubjectComments } from "@/lib/privacy/export";
import { eraseMyCommentsAction } from "./actions";

export const metadata: Metadata = { title: "Your data", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const plural = (n: number) => `${n} comment${n === 1 ? "" : "s"}`;

/** A signed-in reader's own data: download every comment they posted, or erase them all (behind a confirmation). */
export default async function AccountDataPage({ searchParams }: Props) {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account/data")}`);
  const params = await searchParams;
  const confirming = params.step === "confirm";
  const erased = typeof params.erased === "string" && /^\d{1,9}$/.test(params.erased) ? Number(params.erased) : null;
  const count = await countSubjectComments({ kind: "account", userId: user.id, email: user.email });
  return (
    <div className="auth-page">
      <h1 className="page-heading">Your data</h1>
      {erased !== null ? (
        <p className="form-notice" role="status">
          {erased === 0 ? "There was nothing left to erase." : `${plural(erased)} erased.`} Replies other readers wrote to them stay on
          the site.
        </p>
      ) : null}
      <p>
        You have posted <strong data-testid="comment-count">{plural(count)}</strong> while signed in as {user.email}.
      </p>

      <section aria-labelledby="download-heading">
        <h2 id="download-heading">Download</h2>
        <p className="muted">
          One JSON file with each comment: the article it is on, its text, status and dates, and what was stored with it (name,
          email, website, IP address, browser); and your account details (never your password).
        </p>
        <p>
          <a className="button-link" href="/account/data/download" download>
            Download my comments
          </a>
        </p>
      </section>

      <section aria-labelledby="erase-heading">
        <h2 id="erase-heading">Erase</h2>
        <p className="muted">
          Erasing deletes every comment you posted while signed in, with its history, and mail waiting for you. Replies other
          readers wrote to them stay, moved up a level. It cannot be undone. Your account is not deleted: to close it, ask the
          site&apos;s admins.
        </p>
        {count === 0 ? (
          <p className="muted">There is nothing to erase.</p>
        ) : confirming ? (
          <form action={eraseMyCommentsAction} className="stack-form">
            <p className="form-message" role="alert">
              This erases {plural(count)} for good. Are you sure?
            </p>
            <input type="hidden" name="confirm" value="yes" />
            <p className="form-submit">
              <button type="submit">Erase {plural(count)}</button> <Link href="/account/data">Cancel</Link>
            </p>
          </form>
        ) : (
          <p>
            <Link className="button-link" href="/account/data?step=confirm">
              Erase all my comments
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="guest-heading">
        <h2 id="guest-heading">Comments posted while signed out</h2>
        <p className="muted">
          Comments you wrote as a guest, with your name and email typed in, are not tied to this account. To download or erase
          those, <Link href="/my-data">ask for a link</Link>: it is mailed to the address, which proves it is yours.
        </p>
      </section>
      <p>
        <Link href="/account">Back to your account</Link>
      </p>
    </div>
  );
}
