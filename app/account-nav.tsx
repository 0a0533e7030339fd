import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import { signOutAction } from "./auth-actions";
import { GuestNav } from "./site-header";

/** The header's account links: sign in / register, or the account's name (its page), its areas and sign out. */
export async function AccountNav() {
  const user = await getCurrentUser();
  if (!user) return <GuestNav />;
  return (
    <>
      {can(user, "article:edit") ? (
        <li>
          <Link href="/editor">Editor</Link>
        </li>
      ) : null}
      {can(user, "comment:moderate") ? (
        <li>
          <Link href="/moderation">Moderation</Link>
        </li>
      ) : null}
      {can(user, "settings:manage") ? (
        <li>
          <Link href="/admin">Admin</Link>
        </li>
      ) : null}
      <li className="site-nav__user">
        <Link href="/account" title="Your account">
          {user.name}
        </Link>
      </li>
      <li>
        <form action={signOutAction}>
          <button type="submit" className="link-button">
            Sign out
          </button>
        </form>
      </li>
    </>
  );
}
