import type { Metadata } from "next";
import Link from "next/link";
import { formatDateTime } from "@/lib/dates";
import { countSubjectComments } from "@/lib/privacy/export";
import { checkDataLinkToken, dataLinkProblem } from "@/lib/privacy/signed-link";
import { eraseByLinkAction } from "../actions";

export const metadata: Metadata = { title: "Your comments", robots: { index: false }, referrer: "same-origin" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const plural = (n: number) => `${n} comment${n === 1 ? "" : "s"}`;

/**
 * The page a mailed link opens: how many comments are stored under the
 * address, Download, and Erase behind a confirmation. Opening it changes
 * nothing (mail scanners follow links); erasing is a POST.
 */
export default async function DataLinkPage({ searchParams }: Props) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const link = checkDataLinkToken(token);
  if (!link.valid) {
    return (
      <div className="auth-page">
        <h1 className="page-heading">Your comments</h1>
        <p className="form-message" role="alert">
          {dataLinkProblem(link.reason)}
        </p>
        <p>
          <Link href="/my-data">Ask for a new link</Link>
        </p>
      </div>
    );
  }
  const erased = typeof params.erased === "string" && /^\d{1,9}$/.test(params.erased) ? Number(params.erased) : null;
  const count = await countSubjectComments({ kind: "email", email: link.email });
  return (
    <div className="auth-page">
      <h1 className="page-heading">Your comments</h1>
      {erased !== null ? (
        <p className="form-notice" role="status">
          {erased === 0 ? "There was nothing left to erase." : `${plural(erased)} erased.`} Replies other readers wrote to them stay on
          the site.
        </p>
      ) : null}
      <p>
        <strong data-testid="comment-count">{plural(count)}</strong> {count === 1 ? "was" : "were"} posted under {link.email}. This
        link works until {formatDateTime(link.expiresAt)}.
      </p>
      <section aria-labelledby="download-heading">
        <h2 id="download-heading">Download</h2>
        <p className="muted">
          One JSON file with each comment: the article it is on, its text, status and dates, and what was stored with it (name,
          email, website, IP address, browser).
        </p>
        <p>
          <a className="button-link" href={`/my-data/download?token=${encodeURIComponent(token)}`} download>
            Download my comments
          </a>
        </p>
      </section>
      <section aria-labelledby="erase-heading">
        <h2 id="erase-heading">Erase</h2>
        <p className="muted">
          Erasing deletes every comment posted under this address, with its history, and mail waiting to be sent to it. Replies
          other readers wrote stay, moved up a level. It cannot be undone. An account with this address is not deleted.
        </p>
        {count === 0 ? (
          <p className="muted">There is nothing to erase.</p>
        ) : (
          <form action={eraseByLinkAction} className="stack-form">
            {params.unconfirmed ? (
              <p className="form-message" role="alert">
                Tick the box to confirm, then erase.
              </p>
            ) : null}
            <input type="hidden" name="token" value={token} />
            <label className="form-check">
              <input type="checkbox" name="confirm" value="yes" required /> Yes, erase {plural(count)} for good
            </label>
            <p className="form-submit">
              <button type="submit">Erase {plural(count)}</button>
            </p>
          </form>
        )}
      </section>
    </div>
  );
}
