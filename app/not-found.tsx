import { NotFoundMessage } from "./not-found-message";
import { SiteHeader } from "./site-header";

/**
 * An address no route matches. Static, with no account links: this boundary
 * is part of every page, cached ones included, so it must not read the
 * session (app/(site)/not-found.tsx shows them for pages that do).
 */
export default function NotFound() {
  return (
    <>
      <SiteHeader accountNav={null} />
      <main id="main" className="container">
        <NotFoundMessage />
      </main>
    </>
  );
}
