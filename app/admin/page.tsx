import type { Metadata } from "next";
import Link from "next/link";
import { formatDateTime } from "@/lib/dates";
import { requirePermission } from "@/lib/auth/session";
import { getAkismetOverview } from "@/lib/spam/overview";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePermission("settings:manage", { callbackUrl: "/admin" });
  const akismet = getAkismetOverview();
  return (
    <div className="admin-page">
      <h1 className="page-heading">Admin</h1>
      <section className="panel" aria-labelledby="akismet-heading">
        <h2 id="akismet-heading">Akismet</h2>
        {akismet.configured ? (
          <p>An Akismet key is configured: every guest comment is checked.</p>
        ) : (
          <p className="form-message" role="status">
            Akismet is not configured (no <code>AKISMET_KEY</code>): comments pass the local defences only, and guest
            comments wait for a moderator.
          </p>
        )}
        <dl className="facts">
          <dt>Comments waiting for a check</dt>
          <dd>{akismet.notChecked}</dd>
          <dt>Next retry</dt>
          <dd>{akismet.nextRetryAt ? formatDateTime(akismet.nextRetryAt) : "none due"}</dd>
          <dt>Last successful check</dt>
          <dd>{akismet.lastSuccessAt ? formatDateTime(new Date(akismet.lastSuccessAt)) : "none recorded"}</dd>
          <dt>Last error</dt>
          <dd>
            {akismet.lastError
              ? `${akismet.lastError}${akismet.lastErrorAt ? ` (${formatDateTime(new Date(akismet.lastErrorAt))})` : ""}`
              : "none"}
            {akismet.debugHelp ? <span className="muted"> · {akismet.debugHelp}</span> : null}
          </dd>
          {akismet.pausedUntil && new Date(akismet.pausedUntil) > new Date() ? (
            <>
              <dt>Retries paused until</dt>
              <dd>{formatDateTime(new Date(akismet.pausedUntil))} (the key was refused)</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <p>
          <Link href="/admin/users">Users and roles</Link>: change roles, ban, delete accounts.
        </p>
      </section>
    </div>
  );
}
