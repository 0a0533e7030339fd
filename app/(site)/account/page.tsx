import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { signOutEverywhereAction } from "./actions";
import { DigestSection } from "./digest-section";
import { mailEnabled } from "@/lib/mail/outbox";
import { DIGEST_NOTICES } from "@/lib/mail/preferences";
import { noticeText } from "@/lib/http/notices";

export const metadata: Metadata = { title: "Your account", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The signed-in account: who it is, and ending its sessions on every device. */
export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // A code only: a known one shows its fixed text, anything else nothing.
  const query = await searchParams;
  const digestText = noticeText(DIGEST_NOTICES, "digest", query, undefined);
  const digestNotice = digestText ? { text: digestText, ok: query.digest === "saved" } : null;
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account")}`);
  return (
    <div className="auth-page">
      <h1 className="page-heading">Your account</h1>
      <dl className="account-details">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}{user.banned ? " (suspended)" : ""}</dd>
      </dl>
      <p>
        <Link href="/account/comments">Your comments</Link>: each one with its status, to edit or delete.
      </p>
      <p>
        <Link href="/account/data">Your data</Link>: download or erase the comments you posted.
      </p>
      {can(user, "comment:moderate") ? <DigestSection value={user.heldDigest} mailOn={mailEnabled()} notice={digestNotice} /> : null}
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p className="muted">
          “Sign out” in the menu ends the session in this browser. If you signed in on a device you no longer use, or think
          someone else has, sign out everywhere: every browser signed in to this account, this one included, is signed out.
        </p>
        <form action={signOutEverywhereAction}>
          <p className="form-submit">
            <button type="submit">Sign out everywhere</button>
          </p>
        </form>
      </section>
    </div>
  );
}
