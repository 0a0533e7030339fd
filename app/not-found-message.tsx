import Link from "next/link";

export function NotFoundMessage() {
  return (
    <div className="error-page">
      <p className="error-page__code">Error 404</p>
      <h1>Page not found</h1>
      <p>The page you asked for does not exist, or the article has not been published yet.</p>
      <p>
        <Link href="/">Back to the latest articles</Link>
      </p>
    </div>
  );
}
