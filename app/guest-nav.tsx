import Link from "next/link";

/** What a reader who is not signed in sees: sign in or register. */
export function GuestNav() {
  return (
    <>
      <li>
        <Link href="/login">Sign in</Link>
      </li>
      <li>
        <Link href="/register">Register</Link>
      </li>
    </>
  );
}
