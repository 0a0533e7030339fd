import "server-only";
import { sign, verifySignature } from "@/lib/auth/secret";

/**
 * The link a guest is mailed to download or erase the comments stored under
 * their email address: it names the address and when it stops working, signed
 * with the server secret under its own purpose (a form token or session
 * signature cannot be passed off as one). Whoever holds the link can act for
 * that address until it expires, which is why it is only ever sent to the
 * address itself.
 */
export const DATA_LINK_PURPOSE = "privacy-data-link";
export const DATA_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type DataLinkCheck =
  | { valid: true; email: string; expiresAt: Date }
  | { valid: false; reason: "malformed" | "bad signature" | "expired" };

type Payload = { e: string; x: number };

/** A token for `email`, valid until `now + lifetime`. */
export function issueDataLinkToken(email: string, now = Date.now(), lifetimeMs = DATA_LINK_LIFETIME_MS, purpose = DATA_LINK_PURPOSE): string {
  const payload: Payload = { e: email.toLowerCase(), x: now + lifetimeMs };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(purpose, body)}`;
}

/** Checks a token's signature (under `purpose`) and its expiry. */
export function checkDataLinkToken(token: unknown, now = Date.now(), purpose = DATA_LINK_PURPOSE): DataLinkCheck {
  if (typeof token !== "string" || token.length > 1000) return { valid: false, reason: "malformed" };
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return { valid: false, reason: "malformed" };
  const [, body, signature] = match as unknown as [string, string, string];
  if (!verifySignature(purpose, body, signature)) return { valid: false, reason: "bad signature" };
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<Payload>;
  } catch {
    return { valid: false, reason: "malformed" };
  }
  if (typeof payload.e !== "string" || !payload.e.includes("@") || typeof payload.x !== "number" || !Number.isFinite(payload.x)) {
    return { valid: false, reason: "malformed" };
  }
  if (now > payload.x) return { valid: false, reason: "expired" };
  return { valid: true, email: payload.e, expiresAt: new Date(payload.x) };
}

/** What the link page says for a token that does not work. */
export function dataLinkProblem(reason: "malformed" | "bad signature" | "expired"): string {
  return reason === "expired"
    ? "This link has expired: links work for 24 hours. Ask for a new one below."
    : "This link is not valid: it may have been cut short or changed when it was copied. Copy the whole link from the message, or ask for a new one below.";
}
