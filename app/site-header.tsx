import Link from "next/link";
import type { ReactNode } from "react";
import { SITE_NAME } from "@/lib/site";

/**
 * The site's header. Its account links come from the route group's layout:
 * `(site)` reads the session (AccountNav); `(cached)`, whose pages are the
 * same for every reader and cached, shows the guest links until the reader's
 * personal view says otherwise (PersonalNav).
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
