import Link from "next/link";

// Inside the group's layout, so the header (with the account links) stays.
export default function Forbidden() {
  return (
    <div className="error-page">
      <p className="error-page__code">403</p>
      <h1>You are not allowed here</h1>
      <p>Your account does not have permission to see this page or do this.</p>
      <p>
        <Link href="/">Back to the front page</Link>
      </p>
    </div>
  );
}
