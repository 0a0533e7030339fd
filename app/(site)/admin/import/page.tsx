import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { importStatus, type ImportJobSummary } from "@/lib/porting/import-job";
import { describeCounts, describeNote, nothingNew, type ImportReport } from "@/lib/porting/import-report";
import { UPLOAD_LIMIT_BYTES } from "@/lib/porting/import-upload";
import styles from "./import.module.css";
import { RefreshWhileImporting } from "./progress";

export const metadata: Metadata = { title: "Import", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const ERRORS: Record<string, string> = {
  too_large: `The file is larger than ${UPLOAD_LIMIT_BYTES / (1024 * 1024)} MB, the most an upload may be. Import it from the command line (npm run import:wxr) instead.`,
  empty: "The file is empty. Choose a WordPress (WXR) or Disqus export.",
  no_file: "Choose a file to import.",
  type: "Send the export as a file upload.",
  running: "An import is already running; wait for it to finish.",
  invalid: "The upload did not arrive whole. Try again.",
  origin: "This upload did not come from this site.",
};

const fmt = (n: number) => n.toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const formatName = (s: ImportJobSummary) => (s.format === "disqus" ? "Disqus" : "WordPress (WXR)");

export default async function ImportPage({ searchParams }: Props) {
  await requirePermission("settings:manage", { callbackUrl: "/admin/import" });
  const params = await searchParams;
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? null) : null;
  const status = await importStatus();
  const running = status?.running ?? false;
  return (
    <div className="admin-page">
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <p className="muted">
        <Link href="/admin">Admin</Link> › Import
      </p>
      <h1 className="page-heading">Import</h1>
      <p>
        Bring in a WordPress site&apos;s posts and comments (in WordPress: <em>Tools → Export → All content</em>, a WXR file), or the comments of a
        Disqus export. The file is checked whole before anything is written; importing the same file again adds only what is new.
      </p>
      {error ? (
        <p className="form-message" role="alert">
          {error}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="import-status-heading" data-testid="import-status">
        <h2 id="import-status-heading">{running ? "Importing" : "Last import"}</h2>
        <div role="status" aria-live="polite">
          {status ? <Status summary={status.summary} running={running} startedAt={status.run.startedAt} /> : <p className="muted">No import has run yet.</p>}
        </div>
        {running ? (
          <p className="muted">
            <Link href="/admin/import">Refresh</Link> to see the latest progress (it updates by itself).
          </p>
        ) : null}
        <RefreshWhileImporting running={running} />
      </section>

      <section className="panel" aria-labelledby="import-upload-heading">
        <h2 id="import-upload-heading">Upload an export</h2>
        <form method="post" action="/api/admin/import" encType="multipart/form-data" className={styles.form}>
          <label htmlFor="import-file">WordPress (WXR) or Disqus export (.xml, at most {UPLOAD_LIMIT_BYTES / (1024 * 1024)} MB)</label>
          <input id="import-file" type="file" name="file" accept=".xml,application/xml,text/xml" required disabled={running} />
          <button type="submit" disabled={running}>
            Upload and import
          </button>
        </form>
        <p className="muted">
          Comments come in with their replies, status (approved, pending, spam, trash), dates, addresses and authors, and are not sent to Akismet;
          nobody is mailed. Pingbacks and trackbacks are skipped. A larger file can be imported with <code>npm run import:wxr -- export.xml</code>{" "}
          or <code>npm run import:disqus -- disqus.xml</code>.
        </p>
      </section>
    </div>
  );
}

function Status({ summary, running, startedAt }: { summary: ImportJobSummary; running: boolean; startedAt: Date }) {
  const what = `${formatName(summary)} export ${summary.fileName}`;
  if (running) {
    const percent = summary.totalBytes > 0 ? Math.min(100, Math.floor((summary.bytesRead / summary.totalBytes) * 100)) : 0;
    const phase = summary.phase === "validating" ? "Checking the file (nothing is written until it is all checked)" : "Importing";
    const c = summary.comments;
    return (
      <>
        <p>
          {phase}: {what}, {mb(summary.bytesRead)} of {mb(summary.totalBytes)} read ({percent}%).
        </p>
        <progress className={styles.progress} max={summary.totalBytes || 1} value={summary.bytesRead} aria-label={`${percent}% of the file read`}>
          {percent}%
        </progress>
        {c ? (
          <p data-testid="import-comments-so-far">
            {fmt(c.imported)} comment{c.imported === 1 ? "" : "s"} imported so far
            {summary.totalComments !== null ? ` of ${fmt(summary.totalComments)} in the file` : ""}.
          </p>
        ) : null}
      </>
    );
  }
  if (summary.phase === "failed") {
    return (
      <p className="form-message" role="alert">
        {summary.errorKind === "format"
          ? `The ${what} could not be imported: ${summary.error}. Nothing was imported.`
          : `The import of the ${what} stopped: ${summary.error}. What was written is kept; upload the file again to resume.`}
      </p>
    );
  }
  if (!summary.report) return <p className="muted">The import of the {what} ended without a report.</p>;
  return <Report report={summary.report} what={what} startedAt={startedAt} />;
}

function Report({ report, what, startedAt }: { report: ImportReport; what: string; startedAt: Date }) {
  const reasons = Object.entries(report.skippedByReason).sort((a, b) => b[1] - a[1]);
  return (
    <div data-testid="import-report">
      <p>
        Imported the {what} (started {startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, {(report.durationMs / 1000).toFixed(1)} s).
        {nothingNew(report) ? " Everything in it was already imported: nothing changed." : ""}
      </p>
      <table className={styles.counts}>
        <tbody>
          {report.format === "wxr" ? (
            <tr>
              <th scope="row">Articles</th>
              <td>{describeCounts(report.articles)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row">Comments</th>
            <td>{describeCounts(report.comments)}</td>
          </tr>
          {report.format === "wxr" ? (
            <tr>
              <th scope="row">Authors</th>
              <td>
                {fmt(report.users.created)} account{report.users.created === 1 ? "" : "s"} created (editors, no password yet), {fmt(report.users.reused)} existing{" "}
                account{report.users.reused === 1 ? "" : "s"} used
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {report.deletedSinceImport > 0 ? (
        <p>
          {fmt(report.deletedSinceImport)} comment{report.deletedSinceImport === 1 ? " was" : "s were"} deleted here since an earlier import and
          not brought back.
        </p>
      ) : null}
      {reasons.length > 0 ? (
        <>
          <h3>Skipped</h3>
          <ul className={styles.list}>
            {reasons.map(([reason, n]) => (
              <li key={reason}>
                {fmt(n)} × {reason}
              </li>
            ))}
          </ul>
          <details>
            <summary>Each skipped row, with its line and id in the file</summary>
            <ul className={styles.list}>
              {report.skipped.map((s, i) => (
                <li key={i}>{describeNote(s)}</li>
              ))}
              {report.skippedNotListed > 0 ? <li>… and {fmt(report.skippedNotListed)} more (the command line lists them all)</li> : null}
            </ul>
          </details>
        </>
      ) : null}
      {report.notes.length > 0 ? (
        <details>
          <summary>Imported with a change ({fmt(report.notes.length + report.notesNotListed)})</summary>
          <ul className={styles.list}>
            {report.notes.map((s, i) => (
              <li key={i}>
                {s.kind} {s.externalId}: {s.reason}
              </li>
            ))}
            {report.notesNotListed > 0 ? <li>… and {fmt(report.notesNotListed)} more</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
