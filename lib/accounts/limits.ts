import "server-only";
import { sign } from "@/lib/auth/secret";
import { consumeAttempt, databaseIdentity, databaseLimiter, minutesText, type Limiter } from "@/lib/auth/rate-limit";
import { addressLimitKey } from "@/lib/http/address-key";
import { getSettings } from "@/lib/settings";

/**
 * The limits of the account forms (in the database, so every instance counts
 * against them; each check one atomic upsert, so a hundred requests at once
 * cannot pass more than the limit):
 * - mail one address may be sent in an hour (`accountMailPerAddressPerHour`):
 *   reset links, verification links, address changes, whether or not an
 *   account uses the address (the count is kept under a keyed digest of it);
 * - mail one account may ask for in an hour (`accountMailPerAccountPerHour`);
 * - forms one network may send in an hour (`accountFormsPerNetworkPerHour`),
 *   counting sign-in-free forms too (reset requests, new passwords).
 */
type AccountLimiters = { key: string; address: Limiter; account: Limiter; network: Limiter; passwordCheck: Limiter };

/** Wrong current passwords an account may send in an hour (the forms that ask for it). */
const PASSWORD_CHECKS_PER_HOUR = 10;

const holder = globalThis as typeof globalThis & { [key: symbol]: AccountLimiters | undefined };
const LIMITERS = Symbol.for("newsroom.accounts.limiters");

async function limiters(): Promise<AccountLimiters> {
  const s = await getSettings();
  const key = `${s.accountMailPerAddressPerHour}/${s.accountMailPerAccountPerHour}/${s.accountFormsPerNetworkPerHour}/${databaseIdentity()}`;
  const existing = holder[LIMITERS];
  if (existing?.key === key) return existing;
  const created = {
    key,
    address: databaseLimiter("account-mail-address", s.accountMailPerAddressPerHour, 3600),
    account: databaseLimiter("account-mail-account", s.accountMailPerAccountPerHour, 3600),
    network: databaseLimiter("account-forms-ip", s.accountFormsPerNetworkPerHour, 3600),
    passwordCheck: databaseLimiter("account-password-check", PASSWORD_CHECKS_PER_HOUR, 3600),
  };
  holder[LIMITERS] = created;
  return created;
}

/** A keyed digest of an address: counters never hold the address itself. */
export function addressDigest(email: string): string {
  return sign("account-address-key", email.toLowerCase()).slice(0, 32);
}

/**
 * Counts one use of an account form; null when allowed, otherwise the
 * message to show. `address`: mail will go to it; `accountId`: the account
 * asks; `ip`: the sender's network.
 */
export async function consumeAccountForm(input: { ip: string; address?: string; accountId?: number }): Promise<string | null> {
  const l = await limiters();
  const checks = [{ limiter: l.network, key: addressLimitKey(input.ip), reason: "network" }];
  if (input.accountId !== undefined) checks.push({ limiter: l.account, key: `user:${input.accountId}`, reason: "account" });
  if (input.address !== undefined) checks.push({ limiter: l.address, key: addressDigest(input.address), reason: "address" });
  const result = await consumeAttempt(checks);
  if (result.ok) return null;
  const wait = minutesText(result.retryAfterMs);
  switch (result.reason) {
    case "address":
      return `Too many messages were asked for this address recently. Try again in ${wait}.`;
    case "account":
      return `Your account asked for too many messages recently. Try again in ${wait}.`;
    default:
      return `Too many requests came from your network recently. Try again in ${wait}.`;
  }
}

/**
 * Counts one check of an account's current password before it is made (a
 * stolen session cannot guess it quickly); `passed` gives the point back.
 * Null when allowed, otherwise the message to show.
 */
export async function consumePasswordCheck(accountId: number): Promise<{ refused: string | null; passed: () => Promise<void> }> {
  const { passwordCheck } = await limiters();
  const key = `user:${accountId}`;
  const attempt = await consumeAttempt([{ limiter: passwordCheck, key, reason: "account" }]);
  return {
    refused: attempt.ok ? null : `Too many wrong passwords. Try again in ${minutesText(attempt.retryAfterMs)}.`,
    passed: async () => {
      await passwordCheck.reward(key);
    },
  };
}
