/**
 * For an account without a password: a single sign-on made again (the
 * provider asked to sign in anew, `intent=reauth`) stands in for the password
 * for a few minutes; the reader comes back to `back`.
 */
export function ReauthLink({ providerName, back, why }: { providerName: string; back: string; why: string }) {
  return (
    <>
      <p className="muted">{why}</p>
      <p>
        <a className="button-link" href={`/login/sso?intent=reauth&callbackUrl=${encodeURIComponent(back)}`}>
          Sign in with {providerName} again
        </a>
      </p>
    </>
  );
}
