import "server-only";
import { getDb, type Db } from "@/lib/db";
import { currentJobRun, latestJobRun, STALE_RUN_MS, type JobRun } from "@/lib/db/job-runs";
import { QUEUE_CHECK_JOB, type QueueCheckProgress } from "./check";
import { emptyQueueJob, type EmptyQueueProgress } from "./moderate";

/** A moderator's background work as the console shows it: running, or finished a moment ago. */
export type ConsoleJob = { job: string; running: boolean; text: string; percent: number | null };

const RECENT_MS = 10 * 60_000;
const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const fmt = (v: number) => v.toLocaleString("en-US");
const pct = (done: number, total: number) => (total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 100);

function describeEmpty(run: JobRun, running: boolean): ConsoleJob {
  const p = (run.summary ?? {}) as Partial<EmptyQueueProgress> & { error?: string };
  const label = p.queue === "trash" ? "Trash" : "Spam";
  const kept = n(p.repliesKept);
  const keptText = kept ? `; ${fmt(kept)} ${kept === 1 ? "reply" : "replies"} to them kept, moved up a level` : "";
  if (running) {
    return {
      job: run.job,
      running,
      percent: pct(n(p.deleted), n(p.total)),
      text: `Emptying ${label}: ${fmt(n(p.deleted))} of ${fmt(n(p.total))} deleted${keptText}…`,
    };
  }
  return {
    job: run.job,
    running,
    percent: null,
    text: p.error
      ? `Emptying ${label} stopped after ${fmt(n(p.deleted))} of ${fmt(n(p.total))}: ${p.error}. Empty it again to finish.`
      : `${label} emptied: ${fmt(n(p.deleted))} comment${n(p.deleted) === 1 ? "" : "s"} deleted permanently${keptText}.`,
  };
}

function describeCheck(run: JobRun, running: boolean): ConsoleJob {
  const p = (run.summary ?? {}) as Partial<QueueCheckProgress> & { error?: string };
  const tally = `${fmt(n(p.spam))} spam, ${fmt(n(p.approved))} approved, ${fmt(n(p.stillPending))} still pending${
    n(p.failed) ? `, ${fmt(n(p.failed))} could not be checked (Akismet failed)` : ""
  }${n(p.skipped) ? `, ${fmt(n(p.skipped))} skipped (moved or being checked)` : ""}`;
  if (running) {
    return {
      job: run.job,
      running,
      percent: pct(n(p.done), n(p.total)),
      text: `Checking the Pending queue for spam: ${fmt(n(p.done))} of ${fmt(n(p.total))} done (${tally})…`,
    };
  }
  return {
    job: run.job,
    running,
    percent: null,
    text: p.error
      ? `Check for spam stopped after ${fmt(n(p.done))} of ${fmt(n(p.total))}: ${p.error}.`
      : `Check for spam finished: ${fmt(n(p.done))} pending comment${n(p.done) === 1 ? "" : "s"} checked: ${tally}.`,
  };
}

/** Running jobs, and those that finished in the last ten minutes. */
export async function consoleJobs(db: Db = getDb(), now = new Date()): Promise<ConsoleJob[]> {
  const jobs: ConsoleJob[] = [];
  const kinds: [string, (run: JobRun, running: boolean) => ConsoleJob][] = [
    [emptyQueueJob("spam"), describeEmpty],
    [emptyQueueJob("trash"), describeEmpty],
    [QUEUE_CHECK_JOB, describeCheck],
  ];
  for (const [job, describe] of kinds) {
    const running = await currentJobRun(db, job);
    if (running) {
      const alive = now.getTime() - (running.heartbeatAt ?? running.startedAt).getTime() <= STALE_RUN_MS;
      // A run whose process died shows as stopped; the next start closes it.
      jobs.push(alive ? describe(running, true) : describe({ ...running, summary: { ...running.summary, error: "the server stopped while it ran" } }, false));
      continue;
    }
    const last = await latestJobRun(db, job);
    if (last?.finishedAt && now.getTime() - last.finishedAt.getTime() < RECENT_MS) jobs.push(describe(last, false));
  }
  return jobs;
}
