import "server-only";
import { statement, type Db } from "@/lib/db";
import { LEASE_MARGIN_MS } from "@/lib/jobs/runs";

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
export function claimCommentForCheck(db: Db, id: number, owner: string, now: Date, timeoutMs: number): boolean {
  return (
    statement(
      db,
      `update comments set check_lease_owner = @owner, check_lease_until = @until
       where id = @id and status = 'pending'
         and (check_lease_until is null or check_lease_until < @now)`,
    ).run({ id, owner, until: checkLeaseUntil(now, timeoutMs), now: now.getTime() }).changes === 1
  );
}

/**
 * Claims up to `limit` comments due for a re-check (not checked, pending,
 * retry time come, or any retry time with `ignoreSchedule`), oldest due
 * first, skipping those another runner holds. Returns their ids.
 */
export function claimDueForRecheck(
  db: Db,
  { owner, now, timeoutMs, limit, ignoreSchedule }: { owner: string; now: Date; timeoutMs: number; limit: number; ignoreSchedule: boolean },
): number[] {
  const rows = statement(
    db,
    `update comments set check_lease_owner = @owner, check_lease_until = @until
     where id in (
       select id from comments indexed by comments_recheck_idx
       where spam_check_state = 'not_checked' and status = 'pending'
         and next_spam_check_at is not null
         and (@ignoreSchedule = 1 or next_spam_check_at <= @now)
         and (check_lease_until is null or check_lease_until < @now)
       order by next_spam_check_at
       limit @limit
     )
     returning id, next_spam_check_at as due`,
  ).all({
    owner,
    until: checkLeaseUntil(now, timeoutMs),
    now: now.getTime(),
    limit,
    ignoreSchedule: ignoreSchedule ? 1 : 0,
  }) as { id: number; due: number }[];
  return rows.sort((a, b) => a.due - b.due || a.id - b.id).map((r) => r.id);
}

/**
 * Renews a claim right before its Akismet call: a batch claimed together is
 * checked one comment after another, so a later one's lease may have run out
 * and been taken by another runner meanwhile. False: not ours any more (or
 * no longer pending and not checked), so the caller must not call Akismet.
 */
export function renewRecheckLease(db: Db, id: number, owner: string, now: Date, timeoutMs: number): boolean {
  return (
    statement(
      db,
      `update comments set check_lease_until = @until
       where id = @id and check_lease_owner = @owner and status = 'pending' and spam_check_state = 'not_checked'`,
    ).run({ id, owner, until: checkLeaseUntil(now, timeoutMs) }).changes === 1
  );
}

/** Gives a claim back without a result (the runner skipped the comment). */
export function releaseCheckLease(db: Db, id: number, owner: string): void {
  statement(db, "update comments set check_lease_owner = null, check_lease_until = null where id = ? and check_lease_owner = ?").run(id, owner);
}
