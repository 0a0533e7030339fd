import "server-only";
import { performance } from "node:perf_hooks";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import type { SQL } from "drizzle-orm";
import { getDb, rows, sql, transaction, type Db } from "@/lib/db";
import { indexedBy, skipLocked } from "@/lib/db/dialect";
import { restAfterSlice } from "@/lib/pacing";
import { claimJobRun, finishJobRun, heartbeatJobRun } from "@/lib/db/job-runs";
import { getSettings } from "@/lib/settings";

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionSummary = {
  /** Spam Akismet called blatant ("discard"), deleted after `blatantSpamRetentionDays`. */
  blatantSpam: number;
  /** Other spam, deleted after `spamRetentionDays`. */
  spam: number;
  /** Trash, deleted after `trashRetentionDays`. */
  trash: number;
  /** Replies of deleted comments that stayed, moved up a level. */
  repliesKept: number;
  /** Delete transactions that removed at least one comment. */
  batches: number;
  /** Set when another run was in progress, so this one did nothing. */
  skipped?: "running";
};

export type RetentionOptions = { now?: Date; db?: Db; batchSize?: number };

type Bucket = { key: "blatantSpam" | "spam" | "trash"; status: "spam" | "trash"; blatant: boolean | null; days: number };

/*
 * Which comments go, and how old they must be.
 *
 * Age is the time since the comment last changed (`updated_at`: set when it
 * was stored, re-checked or moved to Spam/Trash by a moderator), so a years-old
 * comment trashed yesterday gets its full time in Trash, as in WordPress'
 * EMPTY_TRASH_DAYS. `updated_at` has no index; rather than add one (a
 * migration, and one more index to maintain on every comment write), the
 * query also says `created_at < cutoff`, which follows from it (a comment is
 * never changed before it was created): the database then walks only the old
 * end of the existing `comments_status_created_idx` (status, created_at, id)
 * and checks `updated_at` on those rows. (WordPress' Akismet plugin ages spam by
 * the comment date alone; this is the same range scan, a little stricter.)
 *
 * A comment with replies goes like any other: its replies stay, moved up a
 * level (lib/comments/removal.ts, decision 010), each with a line in its
 * history. Its events go with it (`comment_events` cascades); queued Akismet
 * feedback keeps its parameters (`akismet_outbox.comment_id` is set to null).
 *
 * On PostgreSQL the batch's rows are locked as they are picked, and rows a
 * concurrent transaction holds (a moderator moving one) are skipped, left
 * for the next run. Exported for the query-plan tests.
 */
export function retentionBatchQuery(
  db: Db,
  { status, cutoff, blatant, limit }: { status: "spam" | "trash"; cutoff: number; blatant: boolean | null; limit: number },
): SQL {
  return sql`
    select c.id from comments c ${indexedBy(db, "comments_status_created_idx")}
    where c.status = ${status}
      and c.created_at < ${cutoff}
      and c.updated_at < ${cutoff}
      ${blatant === null ? sql.empty() : sql.raw(`and c.blatant = ${blatant ? "true" : "false"}`)}
    order by c.created_at, c.id
    limit ${limit}
    ${skipLocked(db)}`;
}

/**
 * Deletes old spam and trash for good, in batches of `batchSize` (20 by
 * default: a few milliseconds of work): each batch is picked and deleted
 * (replies kept) in its own short immediate transaction, with a rest as
 * long as the batch after each, so neither writers nor requests wait long. Retention days come from the settings.
 * Each run is claimed in `job_runs` (job 'retention') before it starts, so
 * two runners (two instances, or a slow run overlapping the next hour's)
 * never work at once; the run's row keeps its summary, and runs that deleted
 * something are logged. When another run is in progress it does nothing
 * and says so (`skipped: "running"`).
 */
export async function runRetention({ now = new Date(), db = getDb(), batchSize = 20 }: RetentionOptions = {}): Promise<RetentionSummary> {
  const limit = Math.max(1, Math.floor(batchSize));
  const settings = await getSettings();
  const buckets: Bucket[] = [
    { key: "blatantSpam", status: "spam", blatant: true, days: settings.blatantSpamRetentionDays },
    { key: "spam", status: "spam", blatant: false, days: settings.spamRetentionDays },
    { key: "trash", status: "trash", blatant: null, days: settings.trashRetentionDays },
  ];
  const summary: RetentionSummary = { blatantSpam: 0, spam: 0, trash: 0, repliesKept: 0, batches: 0 };
  const days = {
    blatantSpam: settings.blatantSpamRetentionDays,
    spam: settings.spamRetentionDays,
    trash: settings.trashRetentionDays,
  };
  const claim = await claimJobRun(db, "retention", { summary: { ...summary, days } });
  if (!claim.ok) return { ...summary, skipped: "running" };
  // One batch: picked (on PostgreSQL, locked; rows a moderator's action holds
  // are skipped) and deleted in one transaction.
  const deleteBatch = (bucket: Bucket, cutoff: number) =>
    transaction(db, async (tx) => {
      const picked = await rows<{ id: number }>(tx, retentionBatchQuery(tx, { status: bucket.status, blatant: bucket.blatant, cutoff, limit }));
      return deleteCommentsKeepingReplies(
        tx,
        picked.map((r) => r.id),
        {
          actor: null,
          how: `deleted by the retention job (${bucket.status === "trash" ? "Trash" : "Spam"} older than ${bucket.days} days)`,
          onlyIfStatus: bucket.status,
          now: new Date(),
        },
      );
    });
  let failure: unknown = null;

  try {
    for (const bucket of buckets) {
      const cutoff = now.getTime() - bucket.days * DAY_MS;
      for (;;) {
        const sliceStartedAt = performance.now();
        const removal = await deleteBatch(bucket, cutoff);
        if (removal.deleted > 0) {
          summary[bucket.key] += removal.deleted;
          summary.repliesKept += removal.repliesKept;
          summary.batches += 1;
          await heartbeatJobRun(db, claim.run.id, { ...summary, days });
        }
        if (removal.deleted < limit) break;
        await restAfterSlice(sliceStartedAt);
      }
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    const record: Record<string, unknown> = { ...summary, days };
    if (failure) record.error = failure instanceof Error ? failure.message : String(failure);
    await finishJobRun(db, claim.run.id, record);
    const total = summary.blatantSpam + summary.spam + summary.trash;
    if (total > 0) {
      console.log(
        `[retention] deleted ${total} comment${total === 1 ? "" : "s"}: ${summary.blatantSpam} blatant spam (after ${settings.blatantSpamRetentionDays} d), ${summary.spam} spam (after ${settings.spamRetentionDays} d), ${summary.trash} trash (after ${settings.trashRetentionDays} d) in ${summary.batches} batch${summary.batches === 1 ? "" : "es"}${summary.repliesKept ? `; ${summary.repliesKept} ${summary.repliesKept === 1 ? "reply" : "replies"} to them kept, moved up a level` : ""}`,
      );
    }
  }
  return summary;
}
