import "server-only";
/**
 * The mail outbox: every message the site sends (reply notifications, the
 * moderators' digest of held comments, personal-data links) is written here
 * in the transaction that makes it due, and sent later by the mail job
 * (lib/jobs/mail-outbox.ts) through SMTP_URL with retries. A message's
 * `dedupeKey` is unique, so asking twice (a second approval, two instances,
 * a retried transaction) queues it once.
 */
import { mailOutbox, type MailKind } from "@/db/schema";
import { type Db } from "@/lib/db";
import { hasNul } from "@/lib/text/storable";

export type OutgoingMail = {
  kind: MailKind;
  /** Unique per message: "reply:<reply id>:<parent id>", "digest:<user id>:<period start>", … */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
  /** Not before this time (default: now). */
  notBefore?: Date;
};

/** Whether mail can go out: SMTP_URL is set. Messages are not queued when it is not. */
export function mailEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.SMTP_URL?.trim());
}

/**
 * Queues a message in the caller's transaction (or on its own). Answers
 * whether it was queued now: false when mail is off or the same message
 * (same dedupe key) was queued before.
 */
export async function enqueueMail(db: Db, mail: OutgoingMail): Promise<{ queued: boolean }> {
  if (!mailEnabled()) return { queued: false };
  for (const value of [mail.to, mail.subject, mail.text, mail.html ?? "", ...Object.values(mail.headers ?? {})]) {
    if (hasNul(value)) throw new Error("A message to queue contains a NUL character.");
  }
  const inserted = await db
    .insert(mailOutbox)
    .values({
      kind: mail.kind,
      dedupeKey: mail.dedupeKey,
      toAddress: mail.to,
      subject: mail.subject,
      textBody: mail.text,
      htmlBody: mail.html ?? null,
      headers: mail.headers ?? {},
      ...(mail.notBefore ? { nextAttemptAt: mail.notBefore } : {}),
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  // The mail job, when this process runs it, sends it shortly (after the caller's commit, as a rule;
  // a message not committed yet is found by the job's next round).
  if (inserted.length > 0) (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for("newsroom.mail.kickfn")]?.();
  return { queued: inserted.length > 0 };
}
