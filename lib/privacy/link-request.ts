import "server-only";
import { sign } from "@/lib/auth/secret";
import { consumeAttempt, databaseIdentity, databaseLimiter, minutesText, type Limiter } from "@/lib/auth/rate-limit";
import { emailField } from "@/lib/auth/rules";
import { getDb, type Db } from "@/lib/db";
import { addressLimitKey } from "@/lib/http/address-key";
import { enqueueMail, mailEnabled } from "@/lib/mail/outbox";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { hasNul, nulMessage } from "@/lib/text/storable";
import { countSubjectComments } from "./export";
import { DATA_LINK_LIFETIME_MS, issueDataLinkToken } from "./signed-link";

/**
 * A guest asks for a link to their comments (/my-data): the link, signed and
 * valid for a day, is mailed to the address, so only whoever reads that
 * mailbox can download or erase what is stored under it. The page answers
 * the same words whether or not anything is stored under the address (no
 * way to learn who commented), and requests are limited per network and per
 * address (in the database, shared by every instance).
 */
export type DataLinkFormState = {
  status: "idle" | "invalid" | "limited" | "sent" | "mail_off";
  message: string | null;
  fieldError: string | null;
  /** What was typed. */
  email: string;
};

export const EMPTY_DATA_LINK_FORM: DataLinkFormState = { status: "idle", message: null, fieldError: null, email: "" };

/** The one answer for every address, known or not. */
export const DATA_LINK_SENT =
  "If comments were posted on this site under that address, a message with a link to them is on its way. The link works for 24 hours. Nothing arrived after a few minutes? Check your spam folder, or ask again in a quarter of an hour.";

export const MAIL_OFF =
  "This site cannot send mail at the moment, so it cannot send you a link. Contact the site's editors to ask for your comments or to have them erased; an admin can do it for you.";

/** Requests per address and per network (an hour each). */
export const DATA_LINK_LIMITS = { perAddress: 3, perNetwork: 10, windowSeconds: 3600 } as const;
/** A new link for the same address is queued at most once per this period (the mail's dedupe key). */
export const DATA_LINK_PERIOD_MS = 15 * 60 * 1000;

const MAX_INPUT = 1000;

type Limiters = { key: string; address: Limiter; network: Limiter };
const holder = globalThis as typeof globalThis & { [key: symbol]: Limiters | undefined };
const LIMITERS = Symbol.for("newsroom.privacy.data-link-limiters");

function limiters(): Limiters {
  const key = databaseIdentity();
  const existing = holder[LIMITERS];
  if (existing?.key === key) return existing;
  const created = {
    key,
    address: databaseLimiter("data-link-address", DATA_LINK_LIMITS.perAddress, DATA_LINK_LIMITS.windowSeconds),
    network: databaseLimiter("data-link-ip", DATA_LINK_LIMITS.perNetwork, DATA_LINK_LIMITS.windowSeconds),
  };
  holder[LIMITERS] = created;
  return created;
}

/** A keyed digest of the address: counters and dedupe keys never hold the address itself. */
function addressDigest(email: string): string {
  return sign("privacy-address-key", email.toLowerCase()).slice(0, 32);
}

export async function requestDataLink(raw: unknown, ip: string, db: Db = getDb(), now = Date.now()): Promise<DataLinkFormState> {
  const typed = typeof raw === "string" ? raw : "";
  const email = typed.slice(0, 300);
  if (!mailEnabled()) return { status: "mail_off", message: MAIL_OFF, fieldError: null, email };
  if (typed.length > MAX_INPUT) {
    return { status: "invalid", message: "Please correct the address.", fieldError: "An email address can be at most 100 characters.", email };
  }
  if (hasNul(typed)) return { status: "invalid", message: "Please correct the address.", fieldError: nulMessage("Your email address"), email };
  const parsed = emailField.safeParse(typed);
  if (!parsed.success) {
    return { status: "invalid", message: "Please correct the address.", fieldError: parsed.error.issues[0]?.message ?? "Enter a valid email address.", email };
  }
  const address = parsed.data;
  const l = limiters();
  const allowed = await consumeAttempt([
    { limiter: l.network, key: addressLimitKey(ip), reason: "network" },
    { limiter: l.address, key: addressDigest(address), reason: "address" },
  ]);
  if (!allowed.ok) {
    return {
      status: "limited",
      message: `Too many links were asked ${allowed.reason === "address" ? "for this address" : "for from your network"} recently. Try again in ${minutesText(allowed.retryAfterMs)}.`,
      fieldError: null,
      email,
    };
  }
  if ((await countSubjectComments({ kind: "email", email: address }, db)) > 0) {
    await enqueueMail(db, dataLinkMail(address, now));
  }
  return { status: "sent", message: DATA_LINK_SENT, fieldError: null, email };
}

/** The message with the link (one per address per period: a second ask within it queues nothing new). */
export function dataLinkMail(email: string, now = Date.now()) {
  const token = issueDataLinkToken(email, now);
  const link = absoluteUrl(`/my-data/link?token=${encodeURIComponent(token)}`);
  const hours = Math.round(DATA_LINK_LIFETIME_MS / 3_600_000);
  const text = [
    `Someone (we hope you) asked ${SITE_NAME} for the comments posted under this email address.`,
    "",
    `Open this link to see how many there are, download them, or erase them:`,
    link,
    "",
    `The link works for ${hours} hours. If you did not ask for it, ignore this message: nothing happens unless the link is opened and you confirm.`,
  ].join("\n");
  const html = `<p>Someone (we hope you) asked ${escapeHtml(SITE_NAME)} for the comments posted under this email address.</p>
<p><a href="${escapeHtml(link)}">See, download or erase your comments</a></p>
<p>The link works for ${hours} hours. If you did not ask for it, ignore this message: nothing happens unless the link is opened and you confirm.</p>`;
  return {
    kind: "data_link" as const,
    dedupeKey: `data-link:${addressDigest(email)}:${Math.floor(now / DATA_LINK_PERIOD_MS)}`,
    to: email,
    subject: `Your comments on ${SITE_NAME}`,
    text,
    html,
    headers: { "Auto-Submitted": "auto-generated" },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
