import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { AkismetPanel } from "@/app/(site)/moderation/akismet-panel";

export const metadata: Metadata = { title: "Admin", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePermission("settings:manage", { callbackUrl: "/admin" });
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
      <section className="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        <p>
          <Link href="/admin/users">Users and roles</Link>: change roles, ban, delete accounts.
        </p>
      </section>
    </div>
  );
}
