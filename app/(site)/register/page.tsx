import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AccountForm } from "@/app/account-form";
import { EMPTY_ACCOUNT_FORM } from "@/lib/auth/registration";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { PASSWORD_RULES } from "@/lib/auth/rules";
import { getCurrentUser } from "@/lib/auth/session";
import { registerAction } from "./actions";

export const metadata: Metadata = { title: "Create an account", robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RegisterPage({ searchParams }: Props) {
  const callbackUrl = siteRedirectPath((await searchParams).callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <div className="auth-page">
      <h1 className="page-heading">Create an account</h1>
      <p className="muted">A reader account lets you comment without typing your name and email each time.</p>
      <AccountForm action={registerAction} initial={EMPTY_ACCOUNT_FORM} submitLabel="Create account" passwordRules={PASSWORD_RULES} callbackUrl={callbackUrl} />
      <p className="muted">
        Already registered? <Link href={`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>.
      </p>
    </div>
  );
}
