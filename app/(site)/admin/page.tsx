import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { AkismetPanel } from "@/app/(site)/moderation/akismet-panel";
import { databaseInfo } from "@/lib/server/database-info";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePermission("settings:manage", { callbackUrl: "/admin" });
  const database = await databaseInfo();
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
      <section className="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <p>
          <Link href="/admin/users">Users and roles</Link>: change roles, ban, delete accounts.
        </p>
      </section>
    </div>
  );
}
