import { AccountNav } from "@/app/account-nav";
import { SiteHeader } from "@/app/site-header";

/** Pages rendered for each request: the header shows who is signed in. */
export default function SiteLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SiteHeader accountNav={<AccountNav />} />
      <main id="main" className="container">
        {children}
      </main>
    </>
  );
}
