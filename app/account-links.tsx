import Link from "next/link";
import { signOutAction } from "./auth-actions";

import type { AccountArea } from "@/lib/auth/areas";

const AREAS: { area: AccountArea; href: string; label: string }[] = [
  { area: "editor", href: "/editor", label: "Editor" },
  { area: "moderation", href: "/moderation", label: "Moderation" },
  { area: "admin", href: "/admin", label: "Admin" },
];

/** The header's links for a signed-in account: its areas, its name (its page) and Sign out. */
export function AccountLinks({ name, areas }: { name: string; areas: readonly AccountArea[] }) {
  return (
    <>
      {AREAS.filter((a) => areas.includes(a.area)).map((a) => (
        <li key={a.area}>
          <Link href={a.href}>{a.label}</Link>
        </li>
      ))}
      <li className="site-nav__user">
        <Link href="/account" title="Your account">
          {name}
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
