/** Runs of background jobs: one at a time per job, and a dead run never blocks the job for good. */
import { describe, expect, it } from "vitest";
import { jobRuns } from "@/db/schema";
import { getDb } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { claimJobRun, currentJobRun, finishJobRun, heartbeatJobRun, STALE_RUN_MS } from "@/lib/db/job-runs";
import { consoleJobs } from "@/lib/moderation/background";
import { emptyQueueJob } from "@/lib/moderation/moderate";

describe("claimJobRun", () => {
  it("lets one run of a job in at a time, and another job alongside", async () => {
    const db = getDb();
    const first = await claimJobRun(db, "test-one");
    expect(first.ok).toBe(true);
    expect(await claimJobRun(db, "test-one")).toMatchObject({ ok: false });
    expect((await claimJobRun(db, "test-other")).ok).toBe(true);
    if (first.ok) await finishJobRun(db, first.run.id, { done: true });
    expect((await claimJobRun(db, "test-one")).ok).toBe(true);
  });

  it("lets one of several simultaneous claims in, and tells the others which run is in progress", async () => {
    const db = getDb();
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimJobRun(db, "test-simultaneous")));
    const won = claims.filter((c) => c.ok);
    expect(won).toHaveLength(1);
    const runId = won[0]!.ok ? won[0]!.run.id : -1;
    for (const c of claims.filter((x) => !x.ok)) expect(c).toMatchObject({ ok: false, running: { id: runId } });
  });

  it("the database itself refuses a second unfinished run (another process racing the claim)", async () => {
    const db = getDb();
    await db.insert(jobRuns).values({ job: "test-race", startedAt: new Date() });
    await expect(db.insert(jobRuns).values({ job: "test-race", startedAt: new Date() })).rejects.toSatisfy(isUniqueViolation);
  });

  it("closes a run whose heartbeat stopped as interrupted, and the console says it stopped", async () => {
    const db = getDb();
    const started = new Date(Date.now() - 10 * 60_000);
    const dead = await claimJobRun(db, emptyQueueJob("trash"), { now: started, summary: { queue: "trash", total: 10, deleted: 4, repliesKept: 0 } });
    if (!dead.ok) throw new Error("not claimed");
    await heartbeatJobRun(db, dead.run.id, { queue: "trash", total: 10, deleted: 4, repliesKept: 0 }, started);
    expect((await consoleJobs(db)).find((j) => j.job === "empty-trash")).toMatchObject({
      running: false,
      text: "Emptying Trash stopped after 4 of 10: the server stopped while it ran. Empty it again to finish.",
    });
    const next = await claimJobRun(db, emptyQueueJob("trash"), { now: new Date(started.getTime() + STALE_RUN_MS + 1000) });
    expect(next.ok).toBe(true);
    const closed = (await db.select().from(jobRuns)).find((r) => r.id === dead.run.id)!;
    expect(closed.finishedAt).not.toBeNull();
    expect(closed.summary).toMatchObject({ deleted: 4, error: "interrupted: the process running it stopped" });
    expect((await currentJobRun(db, emptyQueueJob("trash")))?.id).toBe(next.ok ? next.run.id : -1);
  });
});
