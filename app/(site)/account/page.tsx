import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { getCurrentUser, sessionSignedInWith } from "@/lib/auth/session";
import { FRESH_SIGN_ON_MS } from "@/lib/accounts/changes";
import { signOutEverywhereAction } from "./actions";
import { DigestSection } from "./digest-section";
import { mailEnabled } from "@/lib/mail/outbox";
import { DIGEST_NOTICES } from "@/lib/mail/preferences";
import { noticeText } from "@/lib/http/notices";
import { accountSignInMethods } from "@/lib/accounts/sign-on";
import { verificationRequired } from "@/lib/accounts/verification";
import { PASSWORD_RULES } from "@/lib/auth/rules";
import { formatDateTime } from "@/lib/dates";
import { oidcConfig } from "@/lib/env";
import { changeEmailAction, changeNameAction, changePasswordAction, resendVerificationAction, unlinkSignOnAction } from "./account-actions";
import { ChangeForm } from "./change-form";
import { ReauthLink } from "./reauth-link";

/** What the page says after a change made elsewhere (a code in the address: a known one shows its fixed text). */
const CHANGED: Record<string, string> = {
  "password-reset": "Your new password is set. Every other browser signed in to your account was signed out.",
  "sso-linked": "Your single sign-on is linked to this account: from now on it signs you in here.",
  "email-changed": "Your new address is confirmed and now the one of your account.",
  "sso-staff": "You are signed in. Single sign-on is not linked to staff accounts: they sign in with their password only.",
};

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
  const changed = typeof query.changed === "string" ? (CHANGED[query.changed] ?? null) : null;
  const methods = await accountSignInMethods(user.id);
  const sso = oidcConfig();
  const unverified = user.emailVerifiedAt === null;
  const holdsUnverified = unverified && (await verificationRequired());
  const mailOn = mailEnabled();
  // An account without a password confirms an address change with a recent sign-on instead.
  const signedIn = methods.password ? null : await sessionSignedInWith();
  const freshSignOn = signedIn?.method === "sso" && Date.now() - signedIn.at.getTime() <= FRESH_SIGN_ON_MS;
  return (
    <div className="auth-page">
      <h1 className="page-heading">Your account</h1>
      {changed ? (
        <p className="form-notice" role="status">
          {changed}
        </p>
      ) : null}
      <dl className="account-details">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>
          {user.email}
          {unverified ? " (not verified)" : ""}
        </dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}{user.banned ? " (suspended)" : ""}</dd>
      </dl>
      {unverified && mailOn ? (
        <section aria-labelledby="verify-heading">
          <h2 id="verify-heading">Verify your address</h2>
          <p className="muted">
            We mailed a link to {user.email} when you created the account.
            {holdsUnverified ? " Until you open it, your comments wait for a moderator (reason: Email not verified)." : ""}
          </p>
          <ChangeForm id="verify" action={resendVerificationAction} fields={[]} submitLabel="Resend verification" pendingLabel="Sending…" />
        </section>
      ) : null}
      <p>
        <Link href="/account/comments">Your comments</Link>: each one with its status, to edit or delete.
      </p>
      <p>
        <Link href="/account/data">Your data</Link>: download or erase the comments you posted.
      </p>
      <section aria-labelledby="name-heading">
        <h2 id="name-heading">Change name</h2>
        <p className="muted">The name your comments show. You can change it once a day{user.nameChangedAt ? ` (last changed ${formatDateTime(user.nameChangedAt)})` : ""}.</p>
        <ChangeForm
          id="name"
          action={changeNameAction}
          fields={[{ name: "name", label: "Display name", type: "text", autoComplete: "name", maxLength: 300, defaultValue: user.name }]}
          submitLabel="Change name"
          pendingLabel="Saving…"
        />
      </section>
      {methods.password ? (
        <section aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <p className="muted">Every other browser signed in to your account is then signed out.</p>
          <ChangeForm
            id="password"
            action={changePasswordAction}
            fields={[
              { name: "currentPassword", label: "Current password", type: "password", autoComplete: "current-password" },
              { name: "newPassword", label: "New password", type: "password", autoComplete: "new-password", note: PASSWORD_RULES },
            ]}
            submitLabel="Change password"
            pendingLabel="Saving…"
          />
        </section>
      ) : (
        <section aria-labelledby="password-heading">
          <h2 id="password-heading">Password</h2>
          <p className="muted">
            This account has no password: you sign in with {sso?.name ?? "single sign-on"}. To also sign in with a password, use{" "}
            <Link href="/reset-password">Forgot your password?</Link> with your address.
          </p>
        </section>
      )}
      <section aria-labelledby="email-heading">
        <h2 id="email-heading">Change email</h2>
        {mailOn && !methods.password && !freshSignOn ? (
          <ReauthLink
            providerName={sso?.name ?? "single sign-on"}
            back="/account"
            why={`To change the address of an account without a password, confirm it is you first: sign in with ${sso?.name ?? "single sign-on"} again; you come back here.`}
          />
        ) : mailOn ? (
          <>
            <p className="muted">We mail a link to the new address; it becomes your account&apos;s address when you open it. Your current address is told, with a way to undo it.</p>
            <ChangeForm
              id="email"
              action={changeEmailAction}
              fields={[
                { name: "newEmail", label: "New email", type: "email", autoComplete: "email", maxLength: 200 },
                ...(methods.password ? [{ name: "currentPassword", label: "Current password", type: "password" as const, autoComplete: "current-password" }] : []),
              ]}
              submitLabel="Change email"
              pendingLabel="Sending…"
            />
          </>
        ) : (
          <p className="muted">This site cannot send mail, so a new address cannot be confirmed: ask an admin to change it.</p>
        )}
      </section>
      {sso || methods.identities.length > 0 ? (
        <section aria-labelledby="sign-on-heading">
          <h2 id="sign-on-heading">Single sign-on</h2>
          {methods.identities.length > 0 ? (
            <ul>
              {methods.identities.map((i) => (
                <li key={i.id}>
                  {sso?.name ?? "Single sign-on"} ({i.email || "no address"}), linked {formatDateTime(i.createdAt)}
                  <ChangeForm id={`unlink-${i.id}`} action={unlinkSignOnAction} fields={[]} hidden={{ identity: String(i.id) }} submitLabel="Unlink" pendingLabel="Unlinking…" />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">
              Not linked. To link {sso?.name}, sign out, use “Sign in with {sso?.name}” and then sign in with this account&apos;s password when asked.
            </p>
          )}
        </section>
      ) : null}
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
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete my account</h2>
        {user.role === "reader" ? (
          <p className="muted">
            Your account and every comment it posted are erased; replies by other readers stay. <Link href="/account/delete">Delete my account</Link>
          </p>
        ) : (
          <p className="muted">Staff accounts are removed by an admin, at Users.</p>
        )}
      </section>
    </div>
  );
}
