import "server-only";
import { getDb } from "@/lib/db";
import { akismetConfigured, verifyAkismetKey } from "./akismet";
import { getAkismetStatus, updateAkismetStatus, type AkismetStatus } from "./status";

export type AkismetOverview = AkismetStatus & {
  configured: boolean;
  notChecked: number;
  nextRetryAt: Date | null;
};

/** What admins and moderators see about Akismet: configured or not, errors, the retry queue. */
export function getAkismetOverview(): AkismetOverview {
  const row = getDb().$client
    .prepare(
      `select count(*) as n, min(next_spam_check_at) as next from comments
       where spam_check_state = 'not_checked' and status = 'pending'`,
    )
    .get() as { n: number; next: number | null };
  return {
    ...getAkismetStatus(),
    configured: akismetConfigured(),
    notChecked: row.n,
    nextRetryAt: row.next === null ? null : new Date(row.next),
  };
}

/** Asks Akismet whether the key is valid (verify-key) and keeps the answer for the panel. */
export async function verifyAndRecordKey(): Promise<{ valid: boolean; error: string | null }> {
  const result = await verifyAkismetKey();
  const at = new Date().toISOString();
  updateAkismetStatus(
    result.error
      ? { keyValid: null, keyVerifiedAt: at, lastError: `Verify key failed: ${result.error}`, lastErrorAt: at }
      : { keyValid: result.valid, keyVerifiedAt: at, ...(result.valid ? { pausedUntil: null } : {}) },
  );
  return result;
}
