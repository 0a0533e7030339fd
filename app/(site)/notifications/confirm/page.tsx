import type { Metadata } from "next";
import { readNotifyConfirmToken } from "@/lib/mail/notifications";

export const metadata: Metadata = { title: "Confirm reply notifications", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Where the confirmation message's link leads: one button (opening a link changes nothing; mail scanners open links). */
export default async function ConfirmNotificationsPage({ searchParams }: Props) {
  const params = await searchParams;
  const token = (one(params.token) ?? "").slice(0, 100);
  const valid = readNotifyConfirmToken(token) !== null;
  return (
    <div className="auth-page">
      <h1 className="page-heading">Reply notifications</h1>
      {one(params.gone) === "1" ? (
        <p role="alert">This comment no longer exists, so there is nothing to confirm.</p>
      ) : !valid ? (
        <p role="alert">
          This confirmation link is not valid: it may have been cut short when it was copied. Open it again from the message.
        </p>
      ) : one(params.done) === "1" ? (
        <p role="status">
          Confirmed: you will get an email when someone replies to your comment. Every message has a link to stop them.
        </p>
      ) : (
        <form method="post" action={`/api/notifications/confirm?token=${encodeURIComponent(token)}`}>
          <p>Get an email when someone replies to your comment?</p>
          <p className="form-submit">
            <button type="submit">Confirm reply notifications</button>
          </p>
        </form>
      )}
    </div>
  );
}
