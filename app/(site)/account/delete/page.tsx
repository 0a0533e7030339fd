import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { FRESH_SIGN_ON_MS } from "@/lib/accounts/changes";
import { accountSignInMethods } from "@/lib/accounts/sign-on";
import { getCurrentUser, sessionSignedInWith } from "@/lib/auth/session";
import { oidcConfig } from "@/lib/env";
import { deleteAccountAction } from "../account-actions";
import { ChangeForm } from "../change-form";
import { ReauthLink } from "../reauth-link";

export const metadata: Metadata = { title: "Delete my account", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The confirmation before a reader deletes their account: what goes, and their password (or a fresh single sign-on). */
export default async function DeleteAccountPage() {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent("/account/delete")}`);
  const methods = await accountSignInMethods(user.id);
  const signedIn = await sessionSignedInWith();
  const freshSignOn = signedIn?.method === "sso" && Date.now() - signedIn.at.getTime() <= FRESH_SIGN_ON_MS;
  const sso = oidcConfig();
  return (
    <div className="auth-page">
      <h1 className="page-heading">Delete my account</h1>
      {user.role !== "reader" ? (
        <p className="form-message" role="alert">
          Staff accounts are not deleted here: ask an admin to remove this account at Users. <Link href="/account">Back to your account</Link>
        </p>
      ) : (
        <>
          <p>
            This erases your account ({user.email}) and every comment it posted, at once and for good. Replies other readers
            wrote to your comments stay, moved up a level. You are signed out everywhere.
          </p>
          {methods.password || freshSignOn ? (
            <ChangeForm
              id="delete"
              action={deleteAccountAction}
              fields={[
                ...(methods.password ? [{ name: "password", label: "Password", type: "password" as const, autoComplete: "current-password" }] : []),
                { name: "confirm", label: "I understand that my account and my comments are erased", type: "checkbox" },
              ]}
              submitLabel="Delete my account"
              pendingLabel="Deleting…"
            />
          ) : (
            <ReauthLink
              providerName={sso?.name ?? "single sign-on"}
              back="/account/delete"
              why={`Confirm it is you: sign in with ${sso?.name ?? "single sign-on"} again; you come back here.`}
            />
          )}
          <p>
            <Link href="/account">Keep my account</Link>
          </p>
        </>
      )}
    </div>
  );
}
