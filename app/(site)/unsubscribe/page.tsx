import type { Metadata } from "next";
import { readUnsubscribeToken } from "@/lib/mail/unsubscribe";

export const metadata: Metadata = { title: "Unsubscribe", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Where a message's "Stop these messages" link leads: one button. Opening
 * the link changes nothing (mail scanners open links); the button does.
 */
export default async function UnsubscribePage({ searchParams }: Props) {
  const params = await searchParams;
  const token = (one(params.token) ?? "").slice(0, 200);
  const scope = readUnsubscribeToken(token);
  const done = one(params.done) === "1";
  if (!scope) {
    return (
      <div className="auth-page">
        <h1 className="page-heading">Unsubscribe</h1>
        <p role="alert">
          This unsubscribe link is not valid: it may have been cut short when it was copied. Open it again from the message, or
          use the unsubscribe button your mail program shows for the message.
        </p>
      </div>
    );
  }
  const what = scope.kind === "replies" ? "reply notifications" : "the digest of held comments";
  return (
    <div className="auth-page">
      <h1 className="page-heading">Unsubscribe</h1>
      {done ? (
        <p role="status">
          {scope.kind === "replies"
            ? "You are unsubscribed: no more reply notifications will be sent to this address. To get them again, tick “Notify me of follow-up comments by email.” on your next comment."
            : "You are unsubscribed from the digest of held comments. You can turn it on again on your account page."}
        </p>
      ) : (
        <form method="post" action={`/api/unsubscribe?token=${encodeURIComponent(token)}`}>
          <p>
            {scope.kind === "replies"
              ? "Stop mailing this address when someone replies to its comments on this site?"
              : "Stop mailing you the digest of comments held for moderation?"}
          </p>
          <p className="form-submit">
            <button type="submit">Unsubscribe from {what}</button>
          </p>
        </form>
      )}
    </div>
  );
}
