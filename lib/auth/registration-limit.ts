import "server-only";
import { addressLimitKey } from "@/lib/http/address-key";
import { getSettings } from "@/lib/settings";
import { consumeAttempt, databaseIdentity, databaseLimiter, minutesText, type Limiter } from "./rate-limit";

/**
 * Accounts an address may try to create (/register and /setup together):
 * `registrationsMaxPerIp` per `registrationWindowMinutes`, counted before the
 * password is hashed (in the database: every instance counts against it).
 */
type RegistrationLimiter = { key: string; limiter: Limiter };

const globalForLimit = globalThis as typeof globalThis & { __newsroomRegistrationLimit?: RegistrationLimiter };

async function registrationLimiter(): Promise<Limiter> {
  const s = await getSettings();
  const key = `${s.registrationsMaxPerIp}/${s.registrationWindowMinutes}/${databaseIdentity()}`;
  const existing = globalForLimit.__newsroomRegistrationLimit;
  if (existing?.key === key) return existing.limiter;
  const limiter = databaseLimiter("registration-ip", s.registrationsMaxPerIp, Math.round(s.registrationWindowMinutes * 60));
  globalForLimit.__newsroomRegistrationLimit = { key, limiter };
  return limiter;
}

/**
 * Counts one account creation from an address. Null when allowed; otherwise
 * the message to show. An unknown address shares one count with the others
 * that are unknown, so the limit holds even then.
 */
export async function consumeRegistration(ip: string): Promise<string | null> {
  // IPv6 clients count per /64 (they can rotate addresses within it).
  const result = await consumeAttempt([{ limiter: await registrationLimiter(), key: addressLimitKey(ip), reason: "ip" }]);
  if (result.ok) return null;
  return `Too many accounts were requested from your network recently (a limit against automated sign-ups). Try again in ${minutesText(result.retryAfterMs)}.`;
}
