import "server-only";
import { getDb } from "@/lib/db";
import { akismetConfigured, verifyAkismetKey } from "./akismet";
import { getAkismetStatus, updateAkismetStatus, type AkismetStatus } from "./status";

/** Comments waiting for a check: the retry job's partial index holds only those. */
export const NOT_CHECKED_SQL = `select count(*) as n, min(next_spam_check_at) as next from comments indexed by comments_recheck_idx
  where spam_check_state = 'not_checked' and status = 'pending'`;
/** The newest Akismet answer on record. */
export const LAST_CHECK_SQL = "select max(created_at) as at from comment_events where type = 'akismet_check'";

export type AkismetOverview = AkismetStatus & {
  configured: boolean;
  notChecked: number;
  nextRetryAt: Date | null;
};

/** What admins and moderators see about Akismet: configured or not, errors, the retry queue. */
export function getAkismetOverview(): AkismetOverview {
  const row = getDb().$client
    .prepare(NOT_CHECKED_SQL)
    .get() as { n: number; next: number | null };
  // The newest Akismet answer on record (an index lookup on comment_events' type and time).
  const lastCheck = getDb().$client
    .prepare(LAST_CHECK_SQL)
    .get() as { at: number | null };
  const status = getAkismetStatus();
  const recorded = status.lastSuccessAt ? new Date(status.lastSuccessAt).getTime() : 0;
  const lastSuccess = Math.max(recorded, lastCheck.at ?? 0);
  return {
    ...status,
    lastSuccessAt: lastSuccess > 0 ? new Date(lastSuccess).toISOString() : null,
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
