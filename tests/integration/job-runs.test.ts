/** Runs of background jobs: one at a time per job, and a dead run never blocks the job for good. */
import { describe, expect, it } from "vitest";
import { jobRuns } from "@/db/schema";
import { getDb } from "@/lib/db";
import { claimJobRun, currentJobRun, finishJobRun, heartbeatJobRun, STALE_RUN_MS } from "@/lib/jobs/runs";
import { consoleJobs } from "@/lib/moderation/background";
import { emptyQueueJob } from "@/lib/moderation/moderate";

describe("claimJobRun", () => {
  it("lets one run of a job in at a time, and another job alongside", () => {
    const db = getDb();
    const first = claimJobRun(db, "test-one");
    expect(first.ok).toBe(true);
    expect(claimJobRun(db, "test-one")).toMatchObject({ ok: false });
    expect(claimJobRun(db, "test-other").ok).toBe(true);
    if (first.ok) finishJobRun(db, first.run.id, { done: true });
    expect(claimJobRun(db, "test-one").ok).toBe(true);
  });

  it("the database itself refuses a second unfinished run (another process racing the claim)", () => {
    const db = getDb();
    db.insert(jobRuns).values({ job: "test-race", startedAt: new Date() }).run();
    expect(() => db.insert(jobRuns).values({ job: "test-race", startedAt: new Date() }).run()).toThrow(/UNIQUE/);
  });

  it("closes a run whose heartbeat stopped as interrupted, and the console says it stopped", () => {
    const db = getDb();
    const started = new Date(Date.now() - 10 * 60_000);
    const dead = claimJobRun(db, emptyQueueJob("trash"), { now: started, summary: { queue: "trash", total: 10, deleted: 4, repliesKept: 0 } });
    if (!dead.ok) throw new Error("not claimed");
    heartbeatJobRun(db, dead.run.id, { queue: "trash", total: 10, deleted: 4, repliesKept: 0 }, started);
    expect(consoleJobs(db).find((j) => j.job === "empty-trash")).toMatchObject({
      running: false,
      text: "Emptying Trash stopped after 4 of 10: the server stopped while it ran. Empty it again to finish.",
    });
    const next = claimJobRun(db, emptyQueueJob("trash"), { now: new Date(started.getTime() + STALE_RUN_MS + 1000) });
    expect(next.ok).toBe(true);
    const closed = db.select().from(jobRuns).all().find((r) => r.id === dead.run.id)!;
    expect(closed.finishedAt).not.toBeNull();
    expect(closed.summary).toMatchObject({ deleted: 4, error: "interrupted: the process running it stopped" });
    expect(currentJobRun(db, emptyQueueJob("trash"))?.id).toBe(next.ok ? next.run.id : -1);
  });
});
