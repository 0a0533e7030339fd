import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { siteRedirectPath } from "@/lib/auth/redirect-target";
import { getCurrentUser } from "@/lib/auth/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in", robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = siteRedirectPath(params.callbackUrl);
  const user = await getCurrentUser();
  if (user && !user.banned) redirect(callbackUrl);
  const notice =
    params.registered !== undefined
      ? "Your account is ready. Sign in with your email and password."
      : params.setup !== undefined
        ? "The admin account is ready. Sign in with it."
        : null;
  const email = typeof params.email === "string" ? params.email.slice(0, 100) : "";
  return (
    <div className="auth-page">
      <h1 className="page-heading">Sign in</h1>
      {notice ? (
        <p className="form-notice" role="status">
          {notice}
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} initialEmail={email} />
      <p className="muted">
        No account yet? <Link href={`/register?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create one</Link>.
      </p>
    </div>
  );
}
