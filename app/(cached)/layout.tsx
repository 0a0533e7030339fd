import { GuestNav, SiteHeader } from "@/app/site-header";

/**
 * Pages served from Next's page cache to readers who carry none of the
 * per-visitor cookies (next.config.js rewrites them here; docs/decisions/013).
 * Nothing below may read cookies, headers or the session.
 */
export default function CachedLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SiteHeader accountNav={<GuestNav />} />
      <main id="main" className="container">
        {children}
      </main>
    </>
  );
}
