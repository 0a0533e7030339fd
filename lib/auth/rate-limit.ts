import "server-only";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { getSettings } from "@/lib/settings";

/**
 * Failed sign-ins counted per account and per IP (rate-limiter-flexible, in
 * memory: the app runs as one process). Only failures count; a successful
 * sign-in clears the account's count, and counts expire after the window.
 */
type Limiters = { key: string; account: RateLimiterMemory; ip: RateLimiterMemory };

const globalForLimits = globalThis as typeof globalThis & { __newsroomSignInLimits?: Limiters };

function limiters(): Limiters {
  const s = getSettings();
  const key = `${s.signInMaxPerAccount}/${s.signInMaxPerIp}/${s.signInWindowMinutes}`;
  const existing = globalForLimits.__newsroomSignInLimits;
  if (existing?.key === key) return existing;
  const duration = Math.round(s.signInWindowMinutes * 60);
  const created = {
    key,
    account: new RateLimiterMemory({ keyPrefix: "signin-account", points: s.signInMaxPerAccount, duration }),
    ip: new RateLimiterMemory({ keyPrefix: "signin-ip", points: s.signInMaxPerIp, duration }),
  };
  globalForLimits.__newsroomSignInLimits = created;
  return created;
}

export class TooManySignInAttempts extends Error {
  constructor(readonly retryAfterMs: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    super(`Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
    this.name = "TooManySignInAttempts";
  }
}

/** Throws TooManySignInAttempts while the account or the IP is over its limit. */
export async function assertSignInAllowed(email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = limiters();
  const checks = [
    { limiter: account, key: email, max: account.points },
    ...(ip ? [{ limiter: byIp, key: ip, max: byIp.points }] : []),
  ];
  for (const { limiter, key, max } of checks) {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= max) throw new TooManySignInAttempts(res.msBeforeNext);
  }
}

export async function recordFailedSignIn(email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = limiters();
  // consume() rejects once the limit is passed: the count is what matters here.
  await account.consume(email).catch(() => undefined);
  if (ip) await byIp.consume(ip).catch(() => undefined);
}

export async function recordSuccessfulSignIn(email: string): Promise<void> {
  await limiters().account.delete(email);
}
