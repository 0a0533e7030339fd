import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AccountForm } from "@/app/account-form";
import { EMPTY_ACCOUNT_FORM } from "@/lib/auth/registration";
import { PASSWORD_RULES } from "@/lib/auth/rules";
import { adminExists } from "@/lib/auth/users";
import { setupAction } from "./actions";

export const metadata: Metadata = { title: "Set up", robots: { index: false } };
export const dynamic = "force-dynamic";

/** First run: create the admin account. Only while no admin exists. */
export default async function SetupPage() {
  if (await adminExists()) notFound();
  return (
    <div className="auth-page">
      <h1 className="page-heading">Set up the site</h1>
      <p className="muted">Create the admin account. This page disappears once it exists.</p>
      <AccountForm action={setupAction} initial={EMPTY_ACCOUNT_FORM} submitLabel="Create admin account" passwordRules={PASSWORD_RULES} />
    </div>
  );
}
