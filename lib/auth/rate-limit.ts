import "server-only";
import { lt } from "drizzle-orm";
import { rateLimits } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";
import { addressLimitKey } from "@/lib/http/address-key";
import { RateLimiterDrizzle, RateLimiterRes, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import { getSettings } from "@/lib/settings";
import { mailEnabled } from "@/lib/mail/outbox";

/**
 * Attempt limits (rate-limiter-flexible's Drizzle store): the counters are
 * rows of `rate_limits`, each attempt one atomic upsert, so every app
 * instance on the database counts against the same limit (decision 014). An
 * attempt is counted BEFORE the expensive work (an argon2 check or hash), so
 * a burst of parallel requests cannot all get through while the first ones
 * are still being verified; an attempt that turns out fine gives its points
 * back.
 */
export type Limiter = RateLimiterStoreAbstract;
type Check = { limiter: Limiter; key: string; reason: string };

/** A limiter whose counters live in the database: `points` per `durationSeconds`, under `keyPrefix`. */
export function databaseLimiter(keyPrefix: string, points: number, durationSeconds: number, db: Db = getDb()): Limiter {
  return new RateLimiterDrizzle({
    storeClient: db,
    schema: rateLimits,
    keyPrefix,
    points,
    duration: durationSeconds,
    // Expired counters are deleted by the hourly job (pruneExpiredLimits), not
    // by a timer per limiter: limiters are made again when their settings change.
    clearExpiredByTimeout: false,
  });
}

/** Deletes counters whose window ended more than an hour ago (lib/jobs/scheduler.ts, hourly). */
export async function pruneExpiredLimits(db: Db = getDb(), now = Date.now()): Promise<number> {
  const gone = await db
    .delete(rateLimits)
    .where(lt(rateLimits.expire, new Date(now - 3_600_000)))
    .returning({ key: rateLimits.key });
  return gone.length;
}

export type AttemptResult =
  | { ok: true; consumed: readonly Check[] }
  | { ok: false; reason: string; retryAfterMs: number };

/**
 * Takes one point from every limiter, all or nothing: when one is over its
 * limit, the others get their point back (a refused attempt costs nothing
 * more) and the answer says which limit refused and for how long.
 */
export async function consumeAttempt(checks: readonly Check[]): Promise<AttemptResult> {
  const consumed: Check[] = [];
  for (const check of checks) {
    try {
      await check.limiter.consume(check.key);
      consumed.push(check);
    } catch (error) {
      // The refusing limiter counted the point too: give it back so the count
      // stays at the limit (the window's end does not move either way).
      await check.limiter.reward(check.key);
      await refundAttempt(consumed);
      if (error instanceof RateLimiterRes) return { ok: false, reason: check.reason, retryAfterMs: error.msBeforeNext };
      throw error;
    }
  }
  return { ok: true, consumed };
}

/** Gives the points of an attempt back (not below zero: a window that ended meanwhile stays ended). */
export async function refundAttempt(consumed: readonly Check[]): Promise<void> {
  for (const { limiter, key } of consumed) {
    const current = await limiter.get(key);
    if (current && current.consumedPoints > 0) await limiter.reward(key);
  }
}

export function minutesText(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * Sign-in limits, three of them, each over `signInWindowMinutes`:
 * - per account from one address (`signInMaxPerAccountAndIp`, strict): an
 *   attacker guessing from their address locks only themselves out, not the
 *   owner signing in from theirs;
 * - per account from all addresses (`signInMaxPerAccountAllIps`, a higher
 *   ceiling against guessing spread over many addresses);
 * - per address across accounts (`signInMaxPerIp`).
 * Failed attempts keep their points; a successful one gives them back and
 * clears the account's count for that address.
 */
type SignInLimiters = { key: string; accountAndIp: Limiter; account: Limiter; ip: Limiter };

const globalForLimits = globalThis as typeof globalThis & { __newsroomSignInLimits?: SignInLimiters };

async function signInLimiters(): Promise<SignInLimiters> {
  const s = await getSettings();
  const key = `${s.signInMaxPerAccountAndIp}/${s.signInMaxPerAccountAllIps}/${s.signInMaxPerIp}/${s.signInWindowMinutes}/${databaseIdentity()}`;
  const existing = globalForLimits.__newsroomSignInLimits;
  if (existing?.key === key) return existing;
  const duration = Math.round(s.signInWindowMinutes * 60);
  const created = {
    key,
    accountAndIp: databaseLimiter("signin-account-ip", s.signInMaxPerAccountAndIp, duration),
    account: databaseLimiter("signin-account", s.signInMaxPerAccountAllIps, duration),
    ip: databaseLimiter("signin-ip", s.signInMaxPerIp, duration),
  };
  globalForLimits.__newsroomSignInLimits = created;
  return created;
}

/** Limiters are made per database connection (tests open several in one process). */
export function databaseIdentity(): string {
  const db = getDb() as object;
  let id = identities.get(db);
  if (!id) identities.set(db, (id = String(++identityCount)));
  return id;
}
const identities = new WeakMap<object, string>();
let identityCount = 0;

const ACCOUNT_AND_IP = "account-and-ip";
const ACCOUNT = "account";
const IP = "ip";

/** Thrown (its message shown on the sign-in form) when an attempt is refused. */
export class TooManySignInAttempts extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs: number,
  ) {
    const wait = `Too many sign-in attempts. Try again in ${minutesText(retryAfterMs)}.`;
    // With mail, a forgotten password is reset by a mailed link (/reset-password); without, an admin sets one.
    const forgotten = mailEnabled()
      ? "If you have forgotten your password, use “Forgot your password?” to set a new one."
      : "If you have forgotten your password, ask an admin of this site to set a new one.";
    super(
      reason === ACCOUNT_AND_IP
        ? `${wait} You can still sign in from another device or network you usually use. ${forgotten}`
        : reason === ACCOUNT
          ? `${wait} ${forgotten}`
          : wait,
    );
    this.name = "TooManySignInAttempts";
  }
}

export type SignInAttempt = { email: string; ip: string; consumed: readonly Check[] };

/** Counts a sign-in attempt before the password is checked; throws TooManySignInAttempts when over a limit. */
export async function beginSignInAttempt(email: string, ip: string): Promise<SignInAttempt> {
  const { accountAndIp, account, ip: byIp } = await signInLimiters();
  // IPv6 clients count per /64 (they can rotate addresses within it).
  const address = addressLimitKey(ip);
  const result = await consumeAttempt([
    // A space cannot be in an email (validated) or an address key. (No NUL: PostgreSQL text refuses it.)
    { limiter: accountAndIp, key: `${email} ${address}`, reason: ACCOUNT_AND_IP },
    { limiter: account, key: email, reason: ACCOUNT },
    ...(ip ? [{ limiter: byIp, key: address, reason: IP }] : []),
  ]);
  if (!result.ok) throw new TooManySignInAttempts(result.reason, result.retryAfterMs);
  return { email, ip: address, consumed: result.consumed };
}

/** The password was right: the attempt is given back, and the account's failures from this address are forgotten. */
export async function signInSucceeded(attempt: SignInAttempt): Promise<void> {
  await refundAttempt(attempt.consumed);
  await (await signInLimiters()).accountAndIp.delete(`${attempt.email} ${attempt.ip}`);
}
