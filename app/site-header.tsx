import Link from "next/link";
import type { ReactNode } from "react";
import { SITE_NAME } from "@/lib/site";

/**
 * The site's header. Its account links come from the route group's layout:
 * `(site)` reads the session (AccountNav); `(cached)`, whose pages are the
 * same for every anonymous reader and cached, shows the guest links.
 */
export function SiteHeader({ accountNav }: { accountNav: ReactNode }) {
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link href="/" className="site-title">
          {SITE_NAME}
        </Link>
        <nav aria-label="Site">
          <ul className="site-nav">
            <li>
              <Link href="/">Latest</Link>
            </li>
            <li>
              <a href="/feed.xml">RSS</a>
            </li>
            {accountNav}
          </ul>
        </nav>
      </div>
    </header>
  );
}

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
