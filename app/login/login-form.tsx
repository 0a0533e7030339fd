"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { SIGN_IN_FAILED, safeCallbackUrl } from "@/lib/auth/rules";

/**
 * Signs in through next-auth's Credentials provider. The message for an
 * unknown email and a wrong password is the same; rate limits and suspended
 * accounts say so.
 */
export function LoginForm({ callbackUrl, initialEmail }: { callbackUrl: string; initialEmail: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        redirect: false,
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        callbackUrl,
      });
      if (!result || result.error) {
        setError(!result?.error || result.error === "CredentialsSignin" ? SIGN_IN_FAILED : result.error);
        setPending(false);
        return;
      }
      // The server checked callbackUrl already; check again before leaving,
      // against the origin this page is on, so no path can lead off the site.
      router.replace(safeCallbackUrl(callbackUrl, window.location.origin));
      router.refresh();
    } catch {
      setError("Signing in failed: the server could not be reached. Try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="auth-form" noValidate>
      {error ? (
        <p className="form-message" role="alert">
          {error}
        </p>
      ) : null}
      <p className="form-field">
        <label htmlFor="login-email">Email</label>
        <input id="login-email" name="email" type="email" autoComplete="email" required defaultValue={initialEmail} />
      </p>
      <p className="form-field">
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required />
      </p>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </p>
    </form>
  );
}
