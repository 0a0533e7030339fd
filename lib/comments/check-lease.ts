import "server-only";
import { execute, rows, sql, type Db } from "@/lib/db";
import { indexedBy, skipLocked } from "@/lib/db/dialect";
import { LEASE_MARGIN_MS } from "@/lib/db/leases";

/**
 * Leases on comments for an Akismet call. Whoever asks Akismet about a
 * comment (the pipeline right after storing it, the retry job, a moderator's
 * Check for spam) first claims the row in one write statement, so two
 * runners, in one process or two, never call Akismet for the same comment;
 * the result is stored only by the lease's owner, and only while the
 * comment is still where the runner found it. A lease outlives the call by
 * a margin: if the process dies, it expires and the retry job takes over.
 */

export function checkLeaseUntil(now: Date, timeoutMs: number): number {
  return now.getTime() + timeoutMs + LEASE_MARGIN_MS;
}

/** Claims one pending comment for a check; false when it moved or another runner holds it. */
export async function claimCommentForCheck(db: Db, id: number, owner: string, now: Date, timeoutMs: number): Promise<boolean> {
  const changed = await execute(
    db,
    sql`update comments set check_lease_owner = ${owner}, check_lease_until = ${checkLeaseUntil(now, timeoutMs)}
        where id = ${id} and status = 'pending'
          and (check_lease_until is null or check_lease_until < ${now.getTime()})`,
  );
  return changed === 1;
}

/**
 * Claims up to `limit` comments due for a re-check (not checked, pending,
 * retry time come, or any retry time with `ignoreSchedule`), oldest due
 * first, skipping those another runner holds. Returns their ids.
 *
 * One statement: on PostgreSQL the inner select locks the rows it picks and
 * skips rows a concurrent claim has locked (`skipLocked`), and the outer
 * conditions are checked again on the row being updated, so two runners
 * never claim the same comment; on SQLite the statement is the only writer.
 */
export async function claimDueForRecheck(
  db: Db,
  {
    owner,
    now,
    timeoutMs,
    limit,
    ignoreSchedule,
    onlyIds,
  }: { owner: string; now: Date; timeoutMs: number; limit: number; ignoreSchedule: boolean; onlyIds?: readonly number[] },
): Promise<number[]> {
  const at = now.getTime();
  if (onlyIds && onlyIds.length === 0) return [];
  const only = onlyIds ? sql` and id in (${sql.join(onlyIds.map((id) => sql`${id}`), sql`, `)})` : sql``;
  const claimable = sql`spam_check_state = 'not_checked' and status = 'pending'
         and next_spam_check_at is not null
         and (${ignoreSchedule ? 1 : 0} = 1 or next_spam_check_at <= ${at})
         and (check_lease_until is null or check_lease_until < ${at})${only}`;
  const claimed = await rows<{ id: number; due: number }>(
    db,
    sql`update comments set check_lease_owner = ${owner}, check_lease_until = ${checkLeaseUntil(now, timeoutMs)}
        where id in (
          select id from comments ${indexedBy(db, "comments_recheck_idx")}
          where ${claimable}
          order by next_spam_check_at
          limit ${limit}
          ${skipLocked(db)}
        )
          and ${claimable}
        returning id, next_spam_check_at as due`,
  );
  return claimed.map((r) => ({ id: r.id, due: Number(r.due) })).sort((a, b) => a.due - b.due || a.id - b.id).map((r) => r.id);
}

/**
 * Renews a claim right before its Akismet call: a batch claimed together is
 * checked one comment after another, so a later one's lease may have run out
 * and been taken by another runner meanwhile. False: not ours any more (or
 * no longer pending and not checked), so the caller must not call Akismet.
 */
export async function renewRecheckLease(db: Db, id: number, owner: string, now: Date, timeoutMs: number): Promise<boolean> {
  const changed = await execute(
    db,
    sql`update comments set check_lease_until = ${checkLeaseUntil(now, timeoutMs)}
        where id = ${id} and check_lease_owner = ${owner} and status = 'pending' and spam_check_state = 'not_checked'`,
  );
  return changed === 1;
}

/** Gives a claim back without a result (the runner skipped the comment). */
export async function releaseCheckLease(db: Db, id: number, owner: string): Promise<void> {
  await execute(db, sql`update comments set check_lease_owner = null, check_lease_until = null where id = ${id} and check_lease_owner = ${owner}`);
}
