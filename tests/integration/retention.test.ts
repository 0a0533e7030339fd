import { desc, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { akismetOutbox, commentEvents, comments, jobRuns, type CommentStatus } from "@/db/schema";
import { getDb, storeOf } from "@/lib/db";
import { retentionBatchQuery, runRetention } from "@/lib/jobs/retention";
import { DEFAULT_SETTINGS, updateSettings } from "@/lib/settings";
import { createArticle, createComment } from "../support/factories";
import { pgPlan, sqlitePlan } from "../support/plans";

const NOW = new Date("2026-03-01T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let articleId = 0;

beforeAll(async () => {
  articleId = (await createArticle()).id;
});

beforeEach(async () => {
  const db = getDb();
  // Replies first let go of their parents: on PostgreSQL one statement cannot
  // delete a comment and a reply that the keep-replies trigger moves up.
  await db.update(comments).set({ parentId: null });
  await db.delete(comments);
  await db.delete(jobRuns);
});

afterEach(async () => {
  const { blatantSpamRetentionDays, spamRetentionDays, trashRetentionDays } = DEFAULT_SETTINGS;
  expect(await updateSettings({ blatantSpamRetentionDays, spamRetentionDays, trashRetentionDays })).toEqual({ ok: true });
  vi.restoreAllMocks();
});

/** A comment created `days` ago and last changed `changedDaysAgo` ago (by default, when it was created). */
async function make(status: CommentStatus, days: number, options: { blatant?: boolean; changedDaysAgo?: number; parentId?: number } = {}) {
  const comment = await createComment(articleId, {
    status,
    blatant: options.blatant ?? false,
    parentId: options.parentId ?? null,
    createdAt: ago(days),
    updatedAt: ago(options.changedDaysAgo ?? days),
  });
  return comment.id;
}

async function remainingIds(): Promise<number[]> {
  return (await getDb().select({ id: comments.id }).from(comments)).map((r) => r.id).sort((a, b) => a - b);
}

async function lastRun() {
  const [run] = await getDb().select().from(jobRuns).where(eq(jobRuns.job, "retention")).orderBy(desc(jobRuns.id)).limit(1);
  return run;
}

describe("runRetention", () => {
  it("deletes old blatant spam, spam and trash, and nothing else", async () => {
    const gone = [await make("spam", 1.01, { blatant: true }), await make("spam", 15.01), await make("trash", 30.01)];
    const goneSpam = gone[1]!;
    const kept = [
      // Younger than their retention.
      await make("spam", 0.99, { blatant: true }),
      await make("spam", 14.99),
      await make("spam", 2),
      await make("trash", 29.99),
      // Never pending or approved, however old (even flagged blatant).
      await make("pending", 400),
      await make("approved", 400),
      await make("approved", 400, { blatant: true }),
      // Old comments moved to Spam or Trash recently: their time there counts.
      await make("spam", 100, { changedDaysAgo: 3 }),
      await make("spam", 100, { blatant: true, changedDaysAgo: 0.5 }),
      await make("trash", 100, { changedDaysAgo: 1 }),
    ];
    // A trashed comment with an approved reply goes; the reply stays, moved up a level.
    const parent = await make("trash", 60);
    const reply = await make("approved", 59, { parentId: parent });
    kept.push(reply);

    // History goes with the comment; queued Akismet feedback stays, unlinked.
    const db = getDb();
    await db.insert(commentEvents).values({ commentId: goneSpam, type: "moderation", message: "Marked as spam" });
    const [outbox] = await db
      .insert(akismetOutbox)
      .values({ commentId: goneSpam, kind: "submit-spam", params: { comment_content: "x" } })
      .returning();

    const summary = await runRetention({ now: NOW });

    expect(summary).toEqual({ blatantSpam: 1, spam: 1, trash: 2, repliesKept: 1, batches: 3 });
    expect(await remainingIds()).toEqual([...kept].sort((a, b) => a - b));
    const [moved] = await db.select().from(comments).where(eq(comments.id, reply));
    expect(moved!.parentId).toBeNull();
    expect((await db.select().from(commentEvents).where(eq(commentEvents.commentId, reply))).map((e) => e.message)).toEqual([
      expect.stringMatching(/^Moved up a level: the comment it replied to \(#\d+ by .+\) was deleted by the retention job \(Trash older than 30 days\)$/),
    ]);
    expect(await db.select().from(commentEvents).where(inArray(commentEvents.commentId, gone))).toEqual([]);
    expect((await db.select().from(akismetOutbox).where(eq(akismetOutbox.id, outbox!.id)))[0]?.commentId).toBeNull();
  });

  it("deletes old parents and keeps younger replies, moved up to the nearest kept ancestor", async () => {
    const root = await make("approved", 50);
    const parent = await make("spam", 20, { parentId: root });
    const oldReply = await make("spam", 19, { parentId: parent });
    const youngReply = await make("approved", 1, { parentId: oldReply });
    const youngParent = await make("trash", 40);
    const youngTrashReply = await make("trash", 1, { parentId: youngParent });

    const first = await runRetention({ now: NOW });
    expect(first).toMatchObject({ spam: 2, trash: 1, repliesKept: 2 });
    expect(await remainingIds()).toEqual([root, youngReply, youngTrashReply]);
    const parentOf = async (id: number) => (await getDb().select().from(comments).where(eq(comments.id, id)))[0]!.parentId;
    expect(await parentOf(youngReply)).toBe(root);
    expect(await parentOf(youngTrashReply)).toBeNull();
  });

  it("works in batches", async () => {
    const kept = [await make("spam", 0.5, { blatant: true }), await make("spam", 3), await make("trash", 10), await make("pending", 90)];
    for (let i = 0; i < 5; i++) await make("spam", 2 + i, { blatant: true });
    for (let i = 0; i < 3; i++) await make("spam", 20 + i);
    for (let i = 0; i < 4; i++) await make("trash", 40 + i);

    const summary = await runRetention({ now: NOW, batchSize: 2 });

    // 5 blatant: 2 + 2 + 1; 3 spam: 2 + 1; 4 trash: 2 + 2 (then an empty batch, not counted).
    expect(summary).toEqual({ blatantSpam: 5, spam: 3, trash: 4, repliesKept: 0, batches: 7 });
    expect(await remainingIds()).toEqual(kept);
  });

  it("records every run in job_runs and logs the runs that deleted something", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await make("spam", 2, { blatant: true });
    await make("trash", 31);
    const before = Date.now();

    const summary = await runRetention({ now: NOW });

    const run = await lastRun();
    expect(run).toBeDefined();
    expect(run!.job).toBe("retention");
    expect(run!.startedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(run!.finishedAt!.getTime()).toBeGreaterThanOrEqual(run!.startedAt.getTime());
    expect(run!.summary).toMatchObject({ ...summary, days: { blatantSpam: 1, spam: 15, trash: 30 } });
    expect(summary).toEqual({ blatantSpam: 1, spam: 0, trash: 1, repliesKept: 0, batches: 2 });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(/^\[retention\] deleted 2 comments: 1 blatant spam .*, 0 spam .*, 1 trash .* in 2 batches$/);

    // Nothing left to delete: still recorded, not logged.
    const empty = await runRetention({ now: NOW });
    expect(empty).toEqual({ blatantSpam: 0, spam: 0, trash: 0, repliesKept: 0, batches: 0 });
    expect(await getDb().select().from(jobRuns)).toHaveLength(2);
    expect((await lastRun())!.summary).toMatchObject({ blatantSpam: 0, spam: 0, trash: 0, batches: 0 });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("honours changed retention settings", async () => {
    const blatant = await make("spam", 0.1, { blatant: true });
    const spam = await make("spam", 6);
    const trash = await make("trash", 4);
    const young = [await make("spam", 4), await make("trash", 2)];

    expect(await runRetention({ now: NOW })).toEqual({ blatantSpam: 0, spam: 0, trash: 0, repliesKept: 0, batches: 0 });
    expect(await remainingIds()).toEqual([blatant, spam, trash, ...young]);

    expect(await updateSettings({ blatantSpamRetentionDays: 0, spamRetentionDays: 5, trashRetentionDays: 3 })).toEqual({ ok: true });
    expect(await runRetention({ now: NOW })).toEqual({ blatantSpam: 1, spam: 1, trash: 1, repliesKept: 0, batches: 3 });
    expect(await remainingIds()).toEqual(young);
    expect((await lastRun())!.summary).toMatchObject({ days: { blatantSpam: 0, spam: 5, trash: 3 } });
  });

  it("never runs twice at once: a second run while one is in progress does nothing", async () => {
    for (let i = 0; i < 6; i++) await make("spam", 20 + i);
    const [a, b] = await Promise.all([runRetention({ now: NOW, batchSize: 2 }), runRetention({ now: NOW, batchSize: 2 })]);
    expect([a.skipped, b.skipped].sort()).toEqual(["running", undefined]);
    expect(a.spam + b.spam).toBe(6);
    expect(await getDb().select().from(jobRuns)).toHaveLength(1);
  });

  it("finds each batch through the (status, created_at) index", async () => {
    const db = getDb();
    const query = retentionBatchQuery(db, { status: "spam", cutoff: NOW.getTime(), blatant: true, limit: 500 });
    if (storeOf(db) === "sqlite") {
      const plan = await sqlitePlan(db, query);
      expect(plan).toContain("USING INDEX comments_status_created_idx (status=? AND created_at<?)");
      expect(plan).not.toMatch(/SCAN (c|comments)\b/);
    } else {
      // The table holds a handful of rows here: planned with enable_seqscan
      // off, which shows the index serves the batch (range and order).
      const plan = await pgPlan(db, query, { noSeqScan: true });
      expect(plan.indexes, plan.text).toContain("comments_status_created_idx");
      expect(plan.seqScans, plan.text).toEqual([]);
      expect(plan.sorts, plan.text).toBe(0);
    }
  });
});
