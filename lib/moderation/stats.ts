import "server-only";
import type { SQL } from "drizzle-orm";
import { getDb, rows, sql, type Db } from "@/lib/db";
import { jsonTextIfValid } from "@/lib/db/dialect";

/** Milliseconds in one UTC day: `created_at / DAY_MS` is the day number. */
export const DAY_MS = 86_400_000;

/** The counts of one UTC day (or of the whole window, for the totals). */
export type SpamCounts = {
  /** Comments that arrived (their `submitted` event). */
  received: number;
  /** Comments published by an automatic decision (local defences or Akismet), not by a moderator. */
  approved: number;
  /** Comments moved to spam by an Akismet verdict, on arrival or on a re-check. */
  spamByAkismet: number;
  /** Comments moved to spam by the local rules (honeypot, block lists, ...). */
  spamByRules: number;
  /** Akismet answers (spam or not spam, first checks and re-checks); failures are not verdicts. */
  akismetVerdicts: number;
  /** Akismet said spam, a moderator published it (counted on the day the moderator acted). */
  falsePositives: number;
  /** Akismet said not spam, a moderator marked it as spam (counted on the day the moderator acted). */
  falseNegatives: number;
  /**
   * (verdicts − false positives − false negatives) / verdicts, between 0 and 1;
   * null when there were no verdicts. On a single day corrections can concern
   * verdicts of earlier days, so a day's value is clamped at 0.
   */
  accuracy: number | null;
};

export type SpamStatsDay = SpamCounts & {
  /** Days since the epoch (UTC). */
  day: number;
  /** Start of the UTC day. */
  start: Date;
  /** "YYYY-MM-DD" (UTC). */
  isoDate: string;
};

export type SpamStats = {
  /** Start of the first UTC day of the window (inclusive). */
  from: Date;
  /** Start of the UTC day after the last one (exclusive). */
  to: Date;
  /** One entry per UTC day, oldest first, days without events included (all zero). */
  days: SpamStatsDay[];
  totals: SpamCounts;
};

/** The event types the statistics read (each a range scan of `comment_events_type_created_idx`). */
export const STATS_EVENT_TYPES = ["submitted", "status_change", "akismet_check", "moderation"] as const;

/** `column` starts with `prefix`, case-sensitively, on both stores (SQLite's LIKE is not, PostgreSQL's is). */
function startsWith(column: string, prefix: string): string {
  if (!/^[A-Za-z: -]+$/.test(prefix)) throw new Error(`bad prefix ${prefix}`);
  return `substr(${column}, 1, ${prefix.length}) = '${prefix}'`;
}

// Messages written by lib/comments/submit.ts (applyCheckResult) and
// lib/moderation/check.ts: "Akismet: spam", "Akismet: spam (blatant)",
// "Akismet: spam (re-checked)", "Re-check: not spam (asked by …)". The prefix
// test is case-sensitive, so a local reason can never pass for an Akismet one.
const BY_AKISMET = `(${startsWith("message", "Akismet:")} or ${startsWith("message", "Re-check:")})`;
const AUTOMATIC_SPAM = "type = 'status_change' and actor_id is null and to_status = 'spam'";
const VERDICT = ["Akismet: spam", "Akismet: not spam", "Re-check: spam", "Re-check: not spam"].map((p) => startsWith("message", p)).join(" or ");

/**
 * Per-day counts of a window of `comment_events` (start inclusive, end
 * exclusive, ms since the epoch), aggregated by the database in one pass:
 * an `IN` on `type` plus a `created_at` range, i.e. one range scan of
 * `comment_events_type_created_idx` per type, grouped by UTC day (integer
 * division of the millisecond time, on both stores). Exported for the
 * query-plan tests.
 */
export function spamStatsQuery(db: Db, start: number, end: number): SQL {
  const correction = sql`case when type = 'moderation' then ${jsonTextIfValid(db, sql.raw("detail"), "correction")} end`;
  return sql`
select
  created_at / ${sql.raw(String(DAY_MS))} as day,
  count(case when type = 'submitted' then 1 end) as received,
  count(distinct case
    when type = 'status_change' and actor_id is null and to_status = 'approved'
      and (from_status is null or from_status = 'pending')
    then comment_id end) as approved,
  count(case when ${sql.raw(AUTOMATIC_SPAM)} and ${sql.raw(BY_AKISMET)} then 1 end) as "spamByAkismet",
  count(case when ${sql.raw(AUTOMATIC_SPAM)} and not ${sql.raw(BY_AKISMET)} then 1 end) as "spamByRules",
  count(case when type = 'akismet_check' and (${sql.raw(VERDICT)}) then 1 end) as "akismetVerdicts",
  count(case when ${correction} = 'false_positive' then 1 end) as "falsePositives",
  count(case when ${correction} = 'false_negative' then 1 end) as "falseNegatives"
from comment_events
where type in (${sql.raw(STATS_EVENT_TYPES.map((t) => `'${t}'`).join(", "))})
  and created_at >= ${start} and created_at < ${end}
group by day
`;
}

type DayRow = Record<keyof Omit<SpamCounts, "accuracy"> | "day", number | string>;

const COUNT_KEYS = [
  "received",
  "approved",
  "spamByAkismet",
  "spamByRules",
  "akismetVerdicts",
  "falsePositives",
  "falseNegatives",
] as const satisfies readonly (keyof Omit<SpamCounts, "accuracy">)[];

/** Akismet's accuracy from its verdicts and the corrections moderators made; null without verdicts. */
export function akismetAccuracy(c: Pick<SpamCounts, "akismetVerdicts" | "falsePositives" | "falseNegatives">): number | null {
  if (c.akismetVerdicts <= 0) return null;
  const right = c.akismetVerdicts - c.falsePositives - c.falseNegatives;
  return Math.min(1, Math.max(0, right / c.akismetVerdicts));
}

function zero(): Omit<SpamCounts, "accuracy"> {
  return { received: 0, approved: 0, spamByAkismet: 0, spamByRules: 0, akismetVerdicts: 0, falsePositives: 0, falseNegatives: 0 };
}

/**
 * Spam statistics for the `days` UTC days ending with the day of `now`
 * (today included, so the last day is partial): one entry per day, oldest
 * first, zeros for quiet days, and the totals of the window.
 *
 * Comments deleted permanently (emptied spam, deleted accounts' comments)
 * take their history with them and drop out of these numbers.
 */
export async function spamStats({ now = new Date(), days = 30 }: { now?: Date | number; days?: number } = {}, db: Db = getDb()): Promise<SpamStats> {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new RangeError(`days must be an integer from 1 to 366, not ${days}`);
  const nowMs = typeof now === "number" ? now : now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError("now is not a valid time");
  const lastDay = Math.floor(nowMs / DAY_MS);
  const firstDay = lastDay - days + 1;
  const from = firstDay * DAY_MS;
  const to = (lastDay + 1) * DAY_MS;

  const byDay = new Map((await rows<DayRow>(db, spamStatsQuery(db, from, to))).map((r) => [Number(r.day), r]));

  const totals = zero();
  const list: SpamStatsDay[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const row = byDay.get(day);
    const counts = zero();
    for (const key of COUNT_KEYS) {
      counts[key] = Number(row?.[key] ?? 0);
      totals[key] += counts[key];
    }
    const start = new Date(day * DAY_MS);
    list.push({ day, start, isoDate: start.toISOString().slice(0, 10), ...counts, accuracy: akismetAccuracy(counts) });
  }
  return { from: new Date(from), to: new Date(to), days: list, totals: { ...totals, accuracy: akismetAccuracy(totals) } };
}
