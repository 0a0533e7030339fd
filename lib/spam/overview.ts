import "server-only";
import { getDb, row, sql, type Db } from "@/lib/db";
import { indexedBy } from "@/lib/db/dialect";
import { akismetConfigured, verifyAkismetKey } from "./akismet";
import { getAkismetStatus, updateAkismetStatus, type AkismetStatus } from "./status";

const NOT_CHECKED_WHERE = "where spam_check_state = 'not_checked' and status = 'pending'";

/** Comments waiting for a check: the retry job's partial index holds only those (SQLite's text, for its query plan test). */
export const NOT_CHECKED_SQL = `select count(*) as n, min(next_spam_check_at) as next from comments indexed by comments_recheck_idx
  ${NOT_CHECKED_WHERE}`;
/** The newest Akismet answer on record. */
export const LAST_CHECK_SQL = "select max(created_at) as at from comment_events where type = 'akismet_check'";

/** `NOT_CHECKED_SQL` on either store. */
function notCheckedQuery(db: Db) {
  return sql`select count(*) as n, min(next_spam_check_at) as next from comments ${indexedBy(db, "comments_recheck_idx")} ${sql.raw(NOT_CHECKED_WHERE)}`;
}

export type AkismetOverview = AkismetStatus & {
  configured: boolean;
  notChecked: number;
  nextRetryAt: Date | null;
};

/** What admins and moderators see about Akismet: configured or not, errors, the retry queue. */
export async function getAkismetOverview(): Promise<AkismetOverview> {
  const db = getDb();
  const waiting = await row<{ n: number | string; next: number | string | null }>(db, notCheckedQuery(db));
  // The newest Akismet answer on record (an index lookup on comment_events' type and time).
  const lastCheck = await row<{ at: number | string | null }>(db, sql.raw(LAST_CHECK_SQL));
  const status = await getAkismetStatus();
  const recorded = status.lastSuccessAt ? new Date(status.lastSuccessAt).getTime() : 0;
  const lastSuccess = Math.max(recorded, Number(lastCheck?.at ?? 0));
  const next = waiting?.next ?? null;
  return {
    ...status,
    lastSuccessAt: lastSuccess > 0 ? new Date(lastSuccess).toISOString() : null,
    configured: akismetConfigured(),
    notChecked: Number(waiting?.n ?? 0),
    nextRetryAt: next === null ? null : new Date(Number(next)),
  };
}

/** Asks Akismet whether the key is valid (verify-key) and keeps the answer for the panel. */
export async function verifyAndRecordKey(): Promise<{ valid: boolean; error: string | null }> {
  const result = await verifyAkismetKey();
  const at = new Date().toISOString();
  await updateAkismetStatus(
    result.error
      ? { keyValid: null, keyVerifiedAt: at, lastError: `Verify key failed: ${result.error}`, lastErrorAt: at }
      : { keyValid: result.valid, keyVerifiedAt: at, ...(result.valid ? { pausedUntil: null } : {}) },
  );
  return result;
}
