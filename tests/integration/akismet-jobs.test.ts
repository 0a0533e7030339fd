/**
 * The Akismet jobs never do the same work twice: two runners at once, in one
 * process or in two, call the local Akismet server once per comment or
 * report; every status change a job makes is conditional on what it read;
 * and an outage longer than one retry batch loses nothing and publishes
 * nothing unchecked.
 */
import { spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { akismetOutbox, comments } from "@/db/schema";
import { execute, getDb, row, sql } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { currentJobRun } from "@/lib/db/job-runs";
import { checkPendingForSpam, QUEUE_CHECK_JOB, startQueueCheck } from "@/lib/moderation/check";
import { moderateComment } from "@/lib/moderation/moderate";
import { kickOutbox, processOutbox } from "@/lib/jobs/feedback-outbox";
import { enqueueFeedback } from "@/lib/moderation/feedback";
import { updateSettings } from "@/lib/settings";
import { RECHECK_BATCH, recheckComments } from "@/lib/jobs/akismet-retry";
import { startRecheckScheduler } from "@/lib/jobs/scheduler";
import { useLocalAkismet } from "../support/akismet";
import { getComment, postComment } from "../support/comments";
import { createArticle, createUser } from "../support/factories";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const akismet = useLocalAkismet();
const mo = { id: 0, name: "Mo Moderator" };

beforeAll(async () => {
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 0, akismetTimeoutMs: 2000, akismetRetryMinutes: 0 });
  mo.id = (await createUser({ role: "moderator", name: mo.name })).id;
  vi.spyOn(console, "log").mockImplementation(() => {});
});
beforeEach(async () => {
  // Clear what earlier tests left: nothing due, nothing queued.
  await execute(getDb(), sql`update comments set status = 'trash', spam_check_state = 'checked', next_spam_check_at = null where status = 'pending'`);
  await execute(getDb(), sql`update akismet_outbox set state = 'sent' where state = 'pending'`);
});

const checksFor = (reason?: string) =>
  akismet.requests().filter((r) => r.path === "/1.1/comment-check" && (reason === undefined || r.params.recheck_reason === reason));

/** Each comment's text is unique: how many times Akismet was asked about each. */
function callsPerComment(reason?: string): number[] {
  const counts = new Map<string, number>();
  for (const r of checksFor(reason)) counts.set(r.params.comment_content!, (counts.get(r.params.comment_content!) ?? 0) + 1);
  return [...counts.values()];
}

/** Posts `n` comments while Akismet fails: each is stored pending and not checked, retry due now. */
async function unchecked(n: number, fields: (i: number) => Record<string, unknown> = () => ({})) {
  akismet.setBehaviour({ status: 500 });
  const article = await createArticle();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await postComment(article, { content: `Unchecked comment ${crypto.randomUUID()}`, ...fields(i) });
    if (!r.ok) throw new Error(r.message);
    expect(r.status).toBe("pending");
    ids.push(r.commentId);
  }
  akismet.setBehaviour(null);
  akismet.clearRequests();
  return ids;
}

describe("the retry job with two runners", () => {
  it("two runs at once in one process check each comment once", async () => {
    const ids = await unchecked(30);
    akismet.setBehaviour({ delayMs: 15 }); // calls overlap
    const [a, b] = await Promise.all([recheckComments(), recheckComments()]);
    expect(a.checked + b.checked).toBe(30);
    expect(checksFor("retry")).toHaveLength(30);
    expect(callsPerComment("retry").every((n) => n === 1)).toBe(true);
    for (const id of ids) expect(await getComment(id)).toMatchObject({ status: "approved", spamCheckState: "checked", checkLeaseOwner: null });
  });

  it("two `npm run akismet:recheck` processes at once check each comment once", async () => {
    const ids = await unchecked(24);
    akismet.setBehaviour({ delayMs: 25 });
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [...TSX_NODE_ARGS, "scripts/akismet-recheck.ts"], {
          env: { ...process.env, NODE_ENV: "test" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) expect(r.code, r.out).toBe(0);
    expect(checksFor("retry")).toHaveLength(24);
    expect(callsPerComment("retry").every((n) => n === 1)).toBe(true);
    for (const id of ids) expect((await getComment(id)).status).toBe("approved");
  }, 60_000);

  it("a moderator's Check for spam and the retry job at once ask about each comment once", async () => {
    const ids = await unchecked(12);
    akismet.setBehaviour({ delayMs: 15 });
    const [job, check] = await Promise.all([recheckComments(), checkPendingForSpam(getDb(), mo, ids)]);
    expect(job.checked + check.checked).toBe(12);
    expect(checksFor()).toHaveLength(12);
    expect(callsPerComment().every((n) => n === 1)).toBe(true);
  });

  it("a batch that outlives its lease: the rest goes to another runner, and each comment is still checked once", async () => {
    const ids = await unchecked(5);
    akismet.setBehaviour({ delayMs: 150 });
    const first = recheckComments();
    await vi.waitFor(() => expect(akismet.inFlight()).toBe(1));
    // The batch's lease runs out for the comments not yet called (as after a long outage batch).
    const inFlight = (await getDb().select().from(comments)).find((c) => ids.includes(c.id) && c.checkLeaseUntil !== null && c.checkLeaseUntil.getTime() > Date.now() + 5000);
    await execute(getDb(), sql`update comments set check_lease_until = 0 where ${inIds(getDb(), sql`id`, ids.filter((id) => id !== inFlight?.id))}`);
    // The first runner moves on to the next comment, whose lease has run out; only then does another runner start.
    await vi.waitFor(() => expect(checksFor("retry").length === 1 && akismet.inFlight() === 1).toBe(true));
    const second = recheckComments();
    const [a, b] = await Promise.all([first, second]);
    expect(a.checked + b.checked).toBe(5);
    expect(checksFor("retry")).toHaveLength(5);
    expect(callsPerComment("retry").every((n) => n === 1)).toBe(true);
  });

  it("never re-checks a comment whose first check is still in flight", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ delayMs: 400, times: 1 });
    const posting = postComment(article, { content: `In flight ${crypto.randomUUID()}` });
    await vi.waitFor(() => expect(akismet.inFlight()).toBe(1));
    // Its retry time is now (retry minutes 0), but the pipeline holds the lease.
    const r = await recheckComments({ ignoreSchedule: true });
    expect(r.checked).toBe(0);
    const posted = await posting;
    expect(posted).toMatchObject({ ok: true, status: "approved" });
    expect(checksFor()).toHaveLength(1);
  });

  it("gives up only on a comment still pending: a moderator's move meanwhile stands", async () => {
    const [first, stale] = await unchecked(2);
    // `stale` is past the retry window; `first` is due before it.
    const old = Date.now() - 40 * 86_400_000;
    await getDb().update(comments).set({ createdAt: new Date(old), nextSpamCheckAt: new Date(old) }).where(eq(comments.id, stale!));
    await getDb().update(comments).set({ nextSpamCheckAt: new Date(old - 1000) }).where(eq(comments.id, first!));
    akismet.setBehaviour({ delayMs: 300, times: 1 });
    const job = recheckComments();
    await vi.waitFor(() => expect(akismet.inFlight()).toBe(1));
    // While the job waits on Akismet about `first`, a moderator approves `stale`.
    expect(await moderateComment(getDb(), mo, { id: stale!, action: "approve", expected: "pending" })).toMatchObject({ ok: true });
    const summary = await job;
    expect(summary.gaveUp).toBe(0);
    expect(await getComment(stale!)).toMatchObject({ status: "approved", statusReason: "Moderator: approved by Mo Moderator" });
  });
});

describe("the feedback outbox with two runners", () => {
  it("sends each report once when drains overlap (scheduler, kicks, another runner)", async () => {
    const article = await createArticle();
    const ids: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await postComment(article, { content: `Feedback ${crypto.randomUUID()}` });
      if (!r.ok) throw new Error(r.message);
      ids.push(r.commentId);
    }
    for (const id of ids) await moderateComment(getDb(), mo, { id, action: "spam", expected: "approved" });
    akismet.clearRequests();
    akismet.setBehaviour({ delayMs: 10 });
    kickOutbox();
    await Promise.all([processOutbox(), processOutbox(), processOutbox()]);
    await vi.waitFor(async () => expect(await getDb().select().from(akismetOutbox).where(eq(akismetOutbox.state, "pending"))).toEqual([]));
    const sent = akismet.requests().filter((r) => r.path === "/1.1/submit-spam");
    expect(sent).toHaveLength(15);
    expect(new Set(sent.map((r) => r.params.comment_content)).size).toBe(15);
  });

  it("a drain that outlives its lease sends each report once: the rest goes to another drain", async () => {
    const article = await createArticle();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await postComment(article, { content: `Long drain ${crypto.randomUUID()}` });
      if (!r.ok) throw new Error(r.message);
      ids.push(r.commentId);
      await moderateComment(getDb(), mo, { id: r.commentId, action: "spam", expected: "approved" });
    }
    akismet.clearRequests();
    akismet.setBehaviour({ delayMs: 150 });
    const first = processOutbox();
    await vi.waitFor(() => expect(akismet.inFlight()).toBe(1));
    const inFlight = akismet.inFlight() === 1 ? await row<{ id: number }>(getDb(), sql`select id from akismet_outbox where state = 'pending' order by lease_until desc limit 1`) : null;
    await execute(getDb(), sql`update akismet_outbox set lease_until = 0 where state = 'pending' and id != ${inFlight?.id ?? 0}`);
    await Promise.all([first, processOutbox()]);
    const sent = akismet.requests().filter((r) => r.path === "/1.1/submit-spam");
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((r) => r.params.comment_content)).size).toBe(5);
  });

  it("an undo does not cancel a report already being sent: the opposite report follows", async () => {
    const article = await createArticle();
    const r = await postComment(article, { content: `Undo race ${crypto.randomUUID()}` });
    if (!r.ok) throw new Error(r.message);
    await moderateComment(getDb(), mo, { id: r.commentId, action: "spam", expected: "approved" });
    akismet.clearRequests();
    akismet.setBehaviour({ delayMs: 300, times: 1 });
    const drain = processOutbox();
    await vi.waitFor(() => expect(akismet.inFlight()).toBe(1));
    const params = (await getComment(r.commentId)).spamCheck!.params;
    expect(await enqueueFeedback(getDb(), { commentId: r.commentId, kind: "submit-ham", params, actorId: mo.id, now: new Date() })).toBe("queued");
    await drain;
    await processOutbox();
    expect(akismet.requests().map((q) => q.path)).toEqual(["/1.1/submit-spam", "/1.1/submit-ham"]);
  });
});

describe("an Akismet outage longer than one retry batch", () => {
  it("holds every comment unpublished, then the retry job publishes the ham and moves the spam", async () => {
    const total = RECHECK_BATCH + 20;
    const ids = await unchecked(total, (i) => (i % 10 === 0 ? { content: `Cheap viagra ${crypto.randomUUID()}` } : {}));
    const rows = (await getDb().select().from(comments)).filter((c) => ids.includes(c.id));
    expect(rows).toHaveLength(total);
    expect(rows.every((c) => c.status === "pending" && c.spamCheckState === "not_checked")).toBe(true);

    // Recovered; the server's job runs on a short schedule.
    await updateSettings({ akismetJobIntervalSeconds: 1 });
    const stop = startRecheckScheduler({ firstRunMs: 10 });
    try {
      await vi.waitFor(
        async () => {
          const left = (await getDb().select().from(comments)).filter((c) => ids.includes(c.id) && c.spamCheckState !== "checked");
          expect(left).toHaveLength(0);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      stop();
    }
    const after = (await getDb().select().from(comments)).filter((c) => ids.includes(c.id));
    const spam = after.filter((c) => c.content.startsWith("Cheap viagra"));
    expect(spam).toHaveLength(total / 10);
    expect(spam.every((c) => c.status === "spam")).toBe(true);
    expect(after.filter((c) => !c.content.startsWith("Cheap viagra")).every((c) => c.status === "approved")).toBe(true);
    expect(callsPerComment("retry").every((n) => n === 1)).toBe(true);
  }, 40_000);

  it("a queue-wide Check for spam does the same on demand, in the background, one run at a time", async () => {
    const total = 70;
    const ids = await unchecked(total, (i) => (i % 7 === 0 ? { content: `Casino bonus ${crypto.randomUUID()}` } : {}));
    akismet.setBehaviour({ delayMs: 2 });
    const start = await startQueueCheck(getDb(), mo);
    if (!start.started) throw new Error("not started");
    expect(start.total).toBe(total);
    // A second click while it runs starts nothing.
    const second = await startQueueCheck(getDb(), mo);
    expect(second).toMatchObject({ started: false, reason: "running" });
    expect(await currentJobRun(getDb(), QUEUE_CHECK_JOB)).not.toBeNull();
    const progress = await start.finished;
    expect(progress).toMatchObject({ total, done: total, checked: total, spam: 10, approved: 60, failed: 0 });
    const after = (await getDb().select().from(comments)).filter((c) => ids.includes(c.id));
    expect(after.filter((c) => c.status === "spam")).toHaveLength(10);
    expect(after.filter((c) => c.status === "approved")).toHaveLength(60);
    expect(checksFor("recheck_queue")).toHaveLength(total);
    expect(await currentJobRun(getDb(), QUEUE_CHECK_JOB)).toBeNull();
  });
});
