import "server-only";
import { getDb } from "@/lib/db";
import { akismetConfigured } from "./akismet";
import { getAkismetStatus, type AkismetStatus } from "./status";

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
