"use client";

import Link from "next/link";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="container">
    <div className="error-page">
      <p className="error-page__code">Error</p>
      <h1>Something went wrong</h1>
      <p>The page could not be shown. Please try again in a moment.</p>
      <p>
        <button type="button" onClick={() => reset()}>
          Try again
        </button>{" "}
        or <Link href="/">go to the latest articles</Link>.
      </p>
    </div>
    </main>
  );
}
