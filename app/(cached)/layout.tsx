import { PersonalNav } from "@/app/personal-nav";
import { SiteHeader } from "@/app/site-header";

/**
 * Pages served from Next's page cache (next.config.js rewrites them here;
 * docs/decisions/013): to readers who carry none of the per-visitor cookies,
 * and to readers with JavaScript whatever they carry, whose own parts (the
 * header's account links among them) arrive after load (docs/decisions/022).
 * Nothing below may read cookies, headers or the session.
 */
export default function CachedLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SiteHeader accountNav={<PersonalNav />} />
      <main id="main" className="container">
        {children}
      </main>
    </>
  );
}
