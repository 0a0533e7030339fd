import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { AkismetPanel } from "@/app/(site)/moderation/akismet-panel";
import { databaseInfo } from "@/lib/server/database-info";
import { mailStatus } from "@/lib/mail/status";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePermission("settings:manage", { callbackUrl: "/admin" });
  const database = await databaseInfo();
  const mail = await mailStatus();
  return (
    <div className="admin-page">
      <h1 className="page-heading">Admin</h1>
      <AkismetPanel />
      <section className="panel" aria-labelledby="moderation-heading">
        <h2 id="moderation-heading">Comments</h2>
        <p>
          <Link href="/moderation">Moderation queues</Link> · <Link href="/moderation/settings">Block lists and rules</Link> ·{" "}
          <Link href="/moderation/stats">Spam statistics</Link>
        </p>
      </section>
      <section className="panel" aria-labelledby="database-heading">
        <h2 id="database-heading">Database</h2>
        {database.store === "sqlite" ? (
          <p>
            SQLite, <code>{database.label}</code>: one instance. To run several, move the site to PostgreSQL with{" "}
            <code>npm run db:copy</code> (see the README).
          </p>
        ) : (
          <>
            <p>
              <code>{database.label}</code>, at most {database.poolSize} connections per instance, statements cancelled after{" "}
              {database.statementTimeoutMs / 1000} s.
            </p>
            <p>
              Instances connected now ({database.instances.length}):{" "}
              {database.instances.map((name, i) => (
                <span key={name}>
                  {i > 0 ? ", " : ""}
                  <code>{name}</code>
                  {name === database.self ? " (this one)" : ""}
                </span>
              ))}
              . Each runs the background jobs; they share the work.
            </p>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="mail-heading">
        <h2 id="mail-heading">Mail</h2>
        {mail.enabled ? (
          <>
            <p>
              Mail is on: messages go to <code>{mail.server}</code> from <code>{mail.from}</code>. Readers are offered “Notify me of
              follow-up comments by email.”; moderators can turn on a digest of held comments on their account page.
            </p>
            <p>
              Outbox: {mail.pending} waiting{mail.oldestPendingAt ? ` (oldest queued ${mail.oldestPendingAt.toISOString().slice(0, 16).replace("T", " ")} UTC)` : ""},{" "}
              {mail.sentLastDay} sent in the last 24 hours, {mail.failed} given up.
            </p>
            {mail.lastError ? (
              <p>
                Last error: <code>{mail.lastError.message}</code>
              </p>
            ) : null}
          </>
        ) : (
          <p>
            Mail is off: <code>SMTP_URL</code> is not set, so no reply notifications, digests or personal-data links are sent, and
            the comment form does not offer notifications. Set <code>SMTP_URL=smtp://user:password@host:587</code> and restart to
            turn it on.
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <p>
          <Link href="/admin/users">Users and roles</Link>: change roles, ban, delete accounts.
        </p>
        <p>
          <Link href="/admin/privacy">Personal data</Link>: download or erase a commenter&apos;s comments by email; the erasure log.
        </p>
        <p>
          <Link href="/admin/export">Export</Link>: the site for WordPress (WXR), or everything as JSON.
        </p>
        <p>
          <Link href="/admin/import">Import</Link>: posts and comments from WordPress (WXR), comments from Disqus.
        </p>
      </section>
    </div>
  );
}
