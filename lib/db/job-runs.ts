import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { jobRuns } from "@/db/schema";
import { transaction, type Db } from "./index";

/**
 * Runs of background jobs, recorded in `job_runs`: at most one run of a job
 * is in progress at a time, across every process on the database (a partial
 * unique index on unfinished runs), and a run in progress keeps a heartbeat
 * so that one whose process died is closed by the next start instead of
 * blocking the job for ever. A storage primitive: the jobs (lib/jobs/) and
 * the domains that run work in the background (a moderator's queue check,
 * an import, a bulk moderation) claim their runs here.
 */

/** A run whose heartbeat is older than this is taken for dead. */
export const STALE_RUN_MS = 2 * 60_000;

export type JobRun = {
  id: number;
  job: string;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  actorId: number | null;
  summary: Record<string, unknown> | null;
};

export type ClaimResult = { ok: true; run: JobRun } | { ok: false; running: JobRun };

/**
 * Starts a run of `job` unless one is in progress (and alive), in one
 * transaction. A dead run (no heartbeat for `staleAfterMs`) is closed first,
 * marked as interrupted. The partial unique index on unfinished runs settles
 * a race between processes: the insert does nothing when another runner's
 * unfinished run got in first (on PostgreSQL it waits for that runner's
 * transaction, so no error aborts this one), and that run is answered.
 */
export async function claimJobRun(
  db: Db,
  job: string,
  { actorId = null, summary = {}, now = new Date(), staleAfterMs = STALE_RUN_MS }: { actorId?: number | null; summary?: Record<string, unknown>; now?: Date; staleAfterMs?: number } = {},
): Promise<ClaimResult> {
  const claimed = await transaction(db, async (tx): Promise<ClaimResult | null> => {
    const open = await currentJobRun(tx, job);
    if (open) {
      const lastSign = (open.heartbeatAt ?? open.startedAt).getTime();
      if (now.getTime() - lastSign <= staleAfterMs) return { ok: false, running: open };
      await tx
        .update(jobRuns)
        .set({ finishedAt: now, summary: { ...(open.summary ?? {}), error: "interrupted: the process running it stopped" } })
        .where(and(eq(jobRuns.id, open.id), isNull(jobRuns.finishedAt)));
    }
    const [row] = await tx.insert(jobRuns).values({ job, startedAt: now, heartbeatAt: now, actorId, summary }).onConflictDoNothing().returning();
    return row ? { ok: true, run: row } : null;
  });
  if (claimed) return claimed;
  // Another runner's claim committed between our read and our insert.
  const running = await currentJobRun(db, job);
  if (running) return { ok: false, running };
  throw new Error(`could not claim a run of ${job}: another run started and ended meanwhile`);
}

/** Records progress and that the run is alive. */
export async function heartbeatJobRun(db: Db, runId: number, summary: Record<string, unknown>, now = new Date()): Promise<void> {
  await db.update(jobRuns).set({ heartbeatAt: now, summary }).where(and(eq(jobRuns.id, runId), isNull(jobRuns.finishedAt)));
}

export async function finishJobRun(db: Db, runId: number, summary: Record<string, unknown>, now = new Date()): Promise<void> {
  await db.update(jobRuns).set({ heartbeatAt: now, finishedAt: now, summary }).where(eq(jobRuns.id, runId));
}

/** The run of `job` in progress, if any. */
export async function currentJobRun(db: Db, job: string): Promise<JobRun | null> {
  const [run] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), isNull(jobRuns.finishedAt)))
    .limit(1);
  return run ?? null;
}

/** The latest run of `job`, finished or not. */
export async function latestJobRun(db: Db, job: string): Promise<JobRun | null> {
  const [run] = await db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(desc(jobRuns.startedAt), desc(jobRuns.id)).limit(1);
  return run ?? null;
}
