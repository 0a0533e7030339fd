import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { noticeText } from "@/lib/http/notices";
import { PRIVACY_ERRORS, PRIVACY_NOTICES } from "@/lib/privacy/admin-notices";
import { ERASURE_VIA_LABELS, listErasures } from "@/lib/privacy/audit";
import { eraseByEmailAction, lookUpEmailAction } from "./actions";
import { PrivacyLookup } from "./lookup-form";
import { EMPTY_LOOKUP } from "./state";

export const metadata: Metadata = { title: "Personal data", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Admins answer a commenter's request by email: count, download, erase; and the audit log of erasures. */
export default async function PrivacyAdminPage({ searchParams }: Props) {
  await requirePermission("user:manage", { callbackUrl: "/admin/privacy" });
  const params = await searchParams;
  // Codes only: a known code shows its fixed text, anything else nothing (never the address's own words).
  const notice = noticeText(PRIVACY_NOTICES, "notice", params, undefined);
  const error = noticeText(PRIVACY_ERRORS, "error", params, undefined);
  const log = await listErasures();
  return (
    <div className="admin-page">
      <h1 className="page-heading">Personal data</h1>
      {notice ? <p className="form-notice" role="status">{notice}</p> : null}
      {error ? <p className="form-message" role="alert">{error}</p> : null}
      <p className="muted">
        When a commenter asks for their data or for it to be erased, type their email address: every comment stored under it,
        whatever its case, is counted, can be downloaded as JSON, or erased with the mail addressed to it. Replies other readers
        wrote stay, moved up a level. An account with that address is not deleted (see <Link href="/admin/users">Users</Link>).
        Commenters can do this themselves at <Link href="/my-data">/my-data</Link> (a link by mail) and, signed in, at{" "}
        <Link href="/account/data">/account/data</Link>.
      </p>
      <PrivacyLookup lookUp={lookUpEmailAction} erase={eraseByEmailAction} initial={EMPTY_LOOKUP} />

      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Erasures</h2>
        <p className="muted">The audit log keeps when, how and how much; never whose data it was.</p>
        {log.length === 0 ? (
          <p className="muted">No erasures yet.</p>
        ) : (
          <div className="table-scroll" role="region" aria-label="Erasures" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Asked by</th>
                  <th scope="col">Admin</th>
                  <th scope="col">Comments erased</th>
                  <th scope="col">Messages erased</th>
                </tr>
              </thead>
              <tbody>
                {log.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.createdAt)}</td>
                    <td>{ERASURE_VIA_LABELS[e.via]}</td>
                    <td>{e.via === "admin" ? (e.actorName ?? "a deleted account") : "—"}</td>
                    <td>{e.commentsErased}</td>
                    <td>{e.mailsErased}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
