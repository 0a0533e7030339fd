import "server-only";
import { getDb, row, sql, type Db } from "@/lib/db";
import { mailEnabled } from "./outbox";
import { describeSmtpUrl, mailFrom } from "./transport";

export type MailStatus =
  | { enabled: false }
  | {
      enabled: true;
      server: string;
      from: string;
      pending: number;
      failed: number;
      sentLastDay: number;
      oldestPendingAt: Date | null;
      lastError: { at: Date; message: string } | null;
    };

/** What /admin says about mail: whether it is on, where it goes, and how the outbox is doing. */
export async function mailStatus(db: Db = getDb(), now = new Date()): Promise<MailStatus> {
  if (!mailEnabled()) return { enabled: false };
  const dayAgo = now.getTime() - 86_400_000;
  const counts = await row<{ pending: number; failed: number; sent: number; oldest: number | null }>(
    db,
    sql`select
          (select count(*) from mail_outbox where state = 'pending') as pending,
          (select count(*) from mail_outbox where state = 'failed') as failed,
          (select count(*) from mail_outbox where state = 'sent' and sent_at >= ${dayAgo}) as sent,
          (select min(created_at) from mail_outbox where state = 'pending') as oldest`,
  );
  const last = await row<{ at: number; message: string }>(
    db,
    sql`select next_attempt_at as at, last_error as message from mail_outbox
        where last_error is not null order by id desc limit 1`,
  );
  return {
    enabled: true,
    server: describeSmtpUrl(process.env.SMTP_URL?.trim()) ?? "",
    from: mailFrom(),
    pending: Number(counts?.pending ?? 0),
    failed: Number(counts?.failed ?? 0),
    sentLastDay: Number(counts?.sent ?? 0),
    oldestPendingAt: counts?.oldest != null ? new Date(Number(counts.oldest)) : null,
    lastError: last ? { at: new Date(Number(last.at)), message: last.message } : null,
  };
}
