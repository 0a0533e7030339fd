"use client";

import { useActionState } from "react";
import type { SignInFormState } from "@/lib/auth/sign-in";
import { signInAction } from "./actions";

/**
 * Email and password, posted to a server action: the same POST with or
 * without JavaScript, so the password never goes into a URL. The message for
 * an unknown email and a wrong password is the same; rate limits and
 * suspended accounts say so. The email typed is kept, the password never.
 */
export function LoginForm({ callbackUrl, initialEmail }: { callbackUrl: string; initialEmail: string }) {
  const [state, formAction, pending] = useActionState<SignInFormState, FormData>(signInAction, { message: null, email: initialEmail });
  return (
    <form action={formAction} className="auth-form" noValidate>
      {state.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <p className="form-field">
        <label htmlFor="login-email">Email</label>
        <input id="login-email" name="email" type="email" autoComplete="email" required defaultValue={state.email} />
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
