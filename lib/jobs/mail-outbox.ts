import "server-only";
/**
 * The mail job: sends what waits in `mail_outbox` through SMTP_URL, each
 * message claimed before it is handed to the SMTP server (a lease, taken in
 * one statement with FOR UPDATE SKIP LOCKED on PostgreSQL), so two runners
 * or two instances never send one message twice. A temporary failure (no
 * connection, a 4xx answer) is retried with backoff; a permanent refusal
 * (5xx) or the tenth failure ends it as "failed", with the error kept for
 * /admin. Each message carries a Message-ID made from its row, so in the one
 * case left (the process dies after the server accepted a message and before
 * the row says so) the copy sent again is recognisable as the same message.
 */
import { and, eq, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import { mailOutbox, type MailMessage } from "@/db/schema";
import { getDb, sql, type Db } from "@/lib/db";
import { indexedBy, skipLocked } from "@/lib/db/dialect";
import { env } from "@/lib/env";
import { LEASE_MARGIN_MS, leaseOwner } from "@/lib/db/leases";
import { queueHeldDigests } from "@/lib/mail/digest";
import { mailEnabled } from "@/lib/mail/outbox";
import { getTransport, mailFrom } from "@/lib/mail/transport";

export const MAIL_MAX_ATTEMPTS = 10;
const BATCH = 20;
/** Longer than nodemailer's own timeouts (connection 10 s + socket 20 s). */
const SEND_LEASE_MS = 45_000;
/** Sent and failed messages are deleted after this long (they hold addresses). */
export const MAIL_KEEP_DAYS = 30;

/** Delay after failed attempt number `attempts`: 1, 2, 4 … minutes, at most an hour. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export type MailRunSummary = { sent: number; failed: number; gaveUp: number };

/** The messages due at `now`, oldest first, through the partial index on pending mail (the claim's inner select). */
export function mailDueQuery(db: Db, now: Date, limit: number): SQL {
  const at = now.getTime();
  return sql`select id from mail_outbox ${indexedBy(db, "mail_outbox_due_idx")}
    where state = 'pending' and next_attempt_at <= ${at}
      and (lease_until is null or lease_until < ${at})
    order by next_attempt_at, id
    limit ${limit}
    ${skipLocked(db)}`;
}

async function claimDue(db: Db, owner: string, now: Date, limit: number): Promise<MailMessage[]> {
  const claimed = await db
    .update(mailOutbox)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + SEND_LEASE_MS + LEASE_MARGIN_MS) })
    .where(
      and(
        sql`${mailOutbox.id} in (${mailDueQuery(db, now, limit)})`,
        eq(mailOutbox.state, "pending"),
        lte(mailOutbox.nextAttemptAt, now),
        or(isNull(mailOutbox.leaseUntil), lt(mailOutbox.leaseUntil, now)),
      ),
    )
    .returning();
  return claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

/** An SMTP answer that says trying again will not help (5xx), as against a temporary one (4xx, no answer). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

function describeError(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = (e?.response ?? e?.message ?? String(error)).replace(/\s+/g, " ").trim().slice(0, 300);
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

function messageIdOf(message: MailMessage): string {
  return `<newsroom-mail-${message.id}-${message.createdAt.getTime()}@${new URL(env().SITE_URL).hostname || "localhost"}>`;
}

/**
 * Sends the messages that are due, each claimed first. Never throws for the
 * SMTP server's failures (they are retried and recorded on the row). A
 * result is stored only by the runner holding the row's lease while the
 * message is still pending.
 */
export async function processMailOutbox({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<MailRunSummary> {
  const summary: MailRunSummary = { sent: 0, failed: 0, gaveUp: 0 };
  const transport = getTransport();
  if (!transport) return summary;
  const owner = leaseOwner("mail");
  const due = await claimDue(db, owner, now, BATCH);
  for (const message of due) {
    const ours = and(eq(mailOutbox.id, message.id), eq(mailOutbox.state, "pending"), eq(mailOutbox.leaseOwner, owner));
    // Still ours right before handing it over: an earlier send in this batch may have outlived the lease.
    const renewed = await db
      .update(mailOutbox)
      .set({ leaseUntil: new Date(Date.now() + SEND_LEASE_MS + LEASE_MARGIN_MS) })
      .where(ours)
      .returning({ id: mailOutbox.id });
    if (renewed.length === 0) continue;
    try {
      const info = (await transport.sendMail({
        from: mailFrom(),
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        ...(message.htmlBody ? { html: message.htmlBody } : {}),
        headers: message.headers,
        messageId: messageIdOf(message),
      })) as { response?: string };
      await db
        .update(mailOutbox)
        .set({
          state: "sent",
          sentAt: new Date(),
          attempts: message.attempts + 1,
          lastError: null,
          smtpResponse: (info.response ?? "").slice(0, 300),
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(ours);
      summary.sent++;
    } catch (error) {
      const attempts = message.attempts + 1;
      const gaveUp = isPermanentSmtpFailure(error) || attempts >= MAIL_MAX_ATTEMPTS;
      await db
        .update(mailOutbox)
        .set({
          state: gaveUp ? "failed" : "pending",
          attempts,
          lastError: describeError(error),
          nextAttemptAt: new Date(Date.now() + mailRetryDelayMs(attempts)),
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(ours);
      if (gaveUp) summary.gaveUp++;
      else summary.failed++;
    }
  }
  return summary;
}

/** Deletes sent and failed mail older than MAIL_KEEP_DAYS (the outbox is not an archive of addresses). */
export async function pruneMailOutbox({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<number> {
  const before = now.getTime() - MAIL_KEEP_DAYS * 86_400_000;
  const deleted = await db
    .delete(mailOutbox)
    .where(and(sql`${mailOutbox.state} in ('sent', 'failed')`, lt(mailOutbox.createdAt, new Date(before))))
    .returning({ id: mailOutbox.id });
  return deleted.length;
}

/** How often the mail job looks for due mail and digests (a queued message is also sent at once: `kickMail`). */
export const MAIL_JOB_INTERVAL_MS = 15_000;

const KICK = Symbol.for("newsroom.mail.kick");
const TIMER = Symbol.for("newsroom.mail.timer");
const RUNNING = Symbol.for("newsroom.mail.running");
const state = globalThis as typeof globalThis & { [KICK]?: NodeJS.Timeout; [TIMER]?: NodeJS.Timeout | null; [RUNNING]?: boolean };

async function runOnce(): Promise<void> {
  if (state[RUNNING]) return;
  state[RUNNING] = true;
  try {
    try {
      await queueHeldDigests();
    } catch (error) {
      console.error("[mail] digest job failed:", error);
    }
    const s = await processMailOutbox();
    if (s.sent + s.failed + s.gaveUp > 0) console.log(`[mail] ${s.sent} sent, ${s.failed} failed (will retry), ${s.gaveUp} given up`);
  } catch (error) {
    console.error("[mail] job failed:", error);
  } finally {
    state[RUNNING] = false;
  }
}

/** Sends queued mail soon, in the background (never in the request that queued it). */
export function kickMail(): void {
  if (!mailEnabled() || !state[TIMER] || state[KICK]) return;
  state[KICK] = setTimeout(() => {
    state[KICK] = undefined;
    void runOnce();
  }, 100);
  state[KICK].unref();
}

/** Starts the mail job with the server (when SMTP_URL is set). Returns a function that stops it. */
export function startMailScheduler({ intervalMs = MAIL_JOB_INTERVAL_MS }: { intervalMs?: number } = {}): () => void {
  if (!mailEnabled() || state[TIMER]) return () => {};
  (globalThis as Record<symbol, unknown>)[Symbol.for("newsroom.mail.kickfn")] = kickMail;
  state[TIMER] = setInterval(() => void runOnce(), intervalMs);
  state[TIMER].unref();
  setTimeout(() => void runOnce(), 2_000).unref();
  return () => {
    if (state[TIMER]) clearInterval(state[TIMER]);
    state[TIMER] = null;
  };
}
