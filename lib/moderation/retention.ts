import "server-only";
import { jobRuns } from "@/db/schema";
import { getDb, statement, type Db } from "@/lib/db";
import { getSettings } from "@/lib/settings";

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionSummary = {
  /** Spam Akismet called blatant ("discard"), deleted after `blatantSpamRetentionDays`. */
  blatantSpam: number;
  /** Other spam, deleted after `spamRetentionDays`. */
  spam: number;
  /** Trash, deleted after `trashRetentionDays`. */
  trash: number;
  /** Delete statements (each its own short transaction) that removed at least one comment. */
  batches: number;
};

export type RetentionOptions = { now?: Date; db?: Db; batchSize?: number };

type Bucket = { key: "blatantSpam" | "spam" | "trash"; status: "spam" | "trash"; blatant: 0 | 1 | null; days: number };

/*
 * Which comments go, and how old they must be.
 *
 * Age is the time since the comment last changed (`updated_at`: set when it
 * was stored, re-checked or moved to Spam/Trash by a moderator), so a years-old
 * comment trashed yesterday gets its full time in Trash, as in WordPress'
 * EMPTY_TRASH_DAYS. `updated_at` has no index; rather than add one (a
 * migration, and one more index to maintain on every comment write), the
 * query also says `created_at < cutoff`, which follows from it (a comment is
 * never changed before it was created): SQLite then walks only the old end of
 * the existing `comments_status_created_idx` (status, created_at, id) and
 * checks `updated_at` on those rows. (WordPress' Akismet plugin ages spam by
 * the comment date alone; this is the same range scan, a little stricter.)
 *
 * A comment with replies is left until its replies are gone: `parent_id`
 * cascades, so deleting it would take its replies with it, approved ones
 * included (a parent trashed after it was answered). Its events go with it
 * (`comment_events` cascades); queued Akismet feedback keeps its parameters
 * (`akismet_outbox.comment_id` is set to null).
 */
export const RETENTION_BATCH_SQL = `
  delete from comments where id in (
    select c.id from comments c indexed by comments_status_created_idx
    where c.status = @status
      and c.created_at < @cutoff
      and c.updated_at < @cutoff
      and (@blatant is null or c.blatant = @blatant)
      and not exists (select 1 from comments r where r.parent_id = c.id)
    order by c.created_at, c.id
    limit @limit
  )`;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes old spam and trash for good, in batches of `batchSize`: each batch
 * is one `delete ... where id in (select ... limit n)` in its own short
 * (immediate) transaction, and the event loop gets a turn between batches,
 * so neither writers nor requests wait long. Retention days come from the
 * settings. Each run is recorded in `job_runs` (job 'retention') with its
 * summary, and logged when it deleted something.
 */
export async function runRetention({ now = new Date(), db = getDb(), batchSize = 500 }: RetentionOptions = {}): Promise<RetentionSummary> {
  const limit = Math.max(1, Math.floor(batchSize));
  const settings = getSettings();
  const buckets: Bucket[] = [
    { key: "blatantSpam", status: "spam", blatant: 1, days: settings.blatantSpamRetentionDays },
    { key: "spam", status: "spam", blatant: 0, days: settings.spamRetentionDays },
    { key: "trash", status: "trash", blatant: null, days: settings.trashRetentionDays },
  ];
  const summary: RetentionSummary = { blatantSpam: 0, spam: 0, trash: 0, batches: 0 };
  const startedAt = new Date();
  const remove = statement(db, RETENTION_BATCH_SQL);
  const deleteBatch = db.$client.transaction((params: Record<string, number | string | null>) => remove.run(params).changes);
  let failure: unknown = null;

  try {
    for (const bucket of buckets) {
      const cutoff = now.getTime() - bucket.days * DAY_MS;
      for (;;) {
        const deleted = deleteBatch.immediate({ status: bucket.status, blatant: bucket.blatant, cutoff, limit });
        if (deleted > 0) {
          summary[bucket.key] += deleted;
          summary.batches += 1;
        }
        if (deleted < limit) break;
        await nextTick();
      }
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    const record: Record<string, unknown> = {
      ...summary,
      days: {
        blatantSpam: settings.blatantSpamRetentionDays,
        spam: settings.spamRetentionDays,
        trash: settings.trashRetentionDays,
      },
    };
    if (failure) record.error = failure instanceof Error ? failure.message : String(failure);
    db.insert(jobRuns).values({ job: "retention", startedAt, finishedAt: new Date(), summary: record }).run();
    const total = summary.blatantSpam + summary.spam + summary.trash;
    if (total > 0) {
      console.log(
        `[retention] deleted ${total} comment${total === 1 ? "" : "s"}: ${summary.blatantSpam} blatant spam (after ${settings.blatantSpamRetentionDays} d), ${summary.spam} spam (after ${settings.spamRetentionDays} d), ${summary.trash} trash (after ${settings.trashRetentionDays} d) in ${summary.batches} batch${summary.batches === 1 ? "" : "es"}`,
      );
    }
  }
  return summary;
}
