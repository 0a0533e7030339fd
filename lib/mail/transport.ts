import "server-only";
/**
 * The SMTP connection (nodemailer) to SMTP_URL, one pooled transport per
 * process, kept on globalThis so Next's bundled copies of this module share
 * it. Only the mail job (lib/jobs/mail-outbox.ts) sends.
 */
import { isIP } from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";
import { SITE_NAME } from "@/lib/site";

type State = { url: string; transport: Transporter } | undefined;
const KEY = Symbol.for("newsroom.mail.transport");
const holder = globalThis as typeof globalThis & { [KEY]?: State };

/** SMTP_URL without its password, for the admin page and logs. */
export function describeSmtpUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unreadable SMTP_URL)";
  }
}

/** The From of the site's mail: MAIL_FROM, else "The Newsroom" <no-reply@ the site's host>. */
export function mailFrom(): string {
  const e = env();
  if (e.MAIL_FROM) return e.MAIL_FROM;
  const host = new URL(e.SITE_URL).hostname;
  // An address at a bare IP or a one-label host is not deliverable: localhost then (set MAIL_FROM in production).
  const domain = host.includes(".") && !isIP(host.replace(/^\[|\]$/g, "")) ? host : "localhost";
  return `"${SITE_NAME}" <no-reply@${domain}>`;
}

/** The pooled transport to SMTP_URL (read live, like `mailEnabled`; validated at start-up by lib/env.ts), or null when mail is off. */
export function getTransport(): Transporter | null {
  const url = process.env.SMTP_URL?.trim();
  if (!url) return null;
  const current = holder[KEY];
  if (current && current.url === url) return current.transport;
  current?.transport.close();
  const transport = nodemailer.createTransport(withDefaults(url));
  holder[KEY] = { url, transport };
  return transport;
}

/**
 * nodemailer reads its options from the URL's query when given a URL (and
 * ignores an options object beside it), so the defaults go into the query
 * where the operator's own settings (`?socketTimeout=…`) are not already.
 * A slow or silent server fails the attempt, to be retried; it never hangs the job.
 */
export function withDefaults(url: string): string {
  const u = new URL(url);
  const defaults: Record<string, string> = {
    pool: "true",
    maxConnections: "2",
    connectionTimeout: "10000",
    greetingTimeout: "10000",
    socketTimeout: "20000",
  };
  for (const [k, v] of Object.entries(defaults)) if (!u.searchParams.has(k)) u.searchParams.set(k, v);
  return u.toString();
}

/** Closes the pooled connections (tests, shutdown). */
export function closeTransport(): void {
  holder[KEY]?.transport.close();
  holder[KEY] = undefined;
}
