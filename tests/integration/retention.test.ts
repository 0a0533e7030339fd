import { desc, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { akismetOutbox, commentEvents, comments, jobRuns, type CommentStatus } from "@/db/schema";
import { getDb } from "@/lib/db";
import { RETENTION_BATCH_SQL, runRetention } from "@/lib/moderation/retention";
import { DEFAULT_SETTINGS, updateSettings } from "@/lib/settings";
import { createArticle, createComment } from "../support/factories";

const NOW = new Date("2026-03-01T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let articleId = 0;

beforeAll(() => {
  articleId = createArticle().id;
});

beforeEach(() => {
  const db = getDb();
  db.delete(comments).run();
  db.delete(jobRuns).run();
});

afterEach(() => {
  const { blatantSpamRetentionDays, spamRetentionDays, trashRetentionDays } = DEFAULT_SETTINGS;
  expect(updateSettings({ blatantSpamRetentionDays, spamRetentionDays, trashRetentionDays })).toEqual({ ok: true });
  vi.restoreAllMocks();
});

/** A comment created `days` ago and last changed `changedDaysAgo` ago (by default, when it was created). */
function make(status: CommentStatus, days: number, options: { blatant?: boolean; changedDaysAgo?: number; parentId?: number } = {}) {
  return createComment(articleId, {
    status,
    blatant: options.blatant ?? false,
    parentId: options.parentId ?? null,
    createdAt: ago(days),
    updatedAt: ago(options.changedDaysAgo ?? days),
  }).id;
}

function remainingIds(): number[] {
  return getDb()
    .select({ id: comments.id })
    .from(comments)
    .all()
    .map((r) => r.id)
    .sort((a, b) => a - b);
}

function lastRun() {
  return getDb().select().from(jobRuns).where(eq(jobRuns.job, "retention")).orderBy(desc(jobRuns.id)).get();
}

describe("runRetention", () => {
  it("deletes old blatant spam, spam and trash, and nothing else", async () => {
    const gone = [make("spam", 1.01, { blatant: true }), make("spam", 15.01), make("trash", 30.01)];
    const goneSpam = gone[1]!;
    const kept = [
      // Younger than their retention.
      make("spam", 0.99, { blatant: true }),
      make("spam", 14.99),
      make("spam", 2),
      make("trash", 29.99),
      // Never pending or approved, however old (even flagged blatant).
      make("pending", 400),
      make("approved", 400),
      make("approved", 400, { blatant: true }),
      // Old comments moved to Spam or Trash recently: their time there counts.
      make("spam", 100, { changedDaysAgo: 3 }),
      make("spam", 100, { blatant: true, changedDaysAgo: 0.5 }),
      make("trash", 100, { changedDaysAgo: 1 }),
    ];
    // A trashed comment with an approved reply goes; the reply stays, moved up a level.
    const parent = make("trash", 60);
    const reply = make("approved", 59, { parentId: parent });
    kept.push(reply);

    // History goes with the comment; queued Akismet feedback stays, unlinked.
    const db = getDb();
    db.insert(commentEvents).values({ commentId: goneSpam, type: "moderation", message: "Marked as spam" }).run();
    const outbox = db
      .insert(akismetOutbox)
      .values({ commentId: goneSpam, kind: "submit-spam", params: { comment_content: "x" } })
      .returning()
      .get();

    const summary = await runRetention({ now: NOW });

    expect(summary).toEqual({ blatantSpam: 1, spam: 1, trash: 2, repliesKept: 1, batches: 3 });
    expect(remainingIds()).toEqual([...kept].sort((a, b) => a - b));
    const moved = db.select().from(comments).where(eq(comments.id, reply)).get()!;
    expect(moved.parentId).toBeNull();
    expect(db.select().from(commentEvents).where(eq(commentEvents.commentId, reply)).all().map((e) => e.message)).toEqual([
      expect.stringMatching(/^Moved up a level: the comment it replied to \(#\d+ by .+\) was deleted by the retention job \(Trash older than 30 days\)$/),
    ]);
    expect(db.select().from(commentEvents).where(inArray(commentEvents.commentId, gone)).all()).toEqual([]);
    expect(db.select().from(akismetOutbox).where(eq(akismetOutbox.id, outbox.id)).get()?.commentId).toBeNull();
  });

  it("deletes old parents and keeps younger replies, moved up to the nearest kept ancestor", async () => {
    const root = make("approved", 50);
    const parent = make("spam", 20, { parentId: root });
    const oldReply = make("spam", 19, { parentId: parent });
    const youngReply = make("approved", 1, { parentId: oldReply });
    const youngParent = make("trash", 40);
    const youngTrashReply = make("trash", 1, { parentId: youngParent });

    const first = await runRetention({ now: NOW });
    expect(first).toMatchObject({ spam: 2, trash: 1, repliesKept: 2 });
    expect(remainingIds()).toEqual([root, youngReply, youngTrashReply]);
    const parentOf = (id: number) => getDb().select().from(comments).where(eq(comments.id, id)).get()!.parentId;
    expect(parentOf(youngReply)).toBe(root);
    expect(parentOf(youngTrashReply)).toBeNull();
  });

  it("works in batches", async () => {
    const kept = [make("spam", 0.5, { blatant: true }), make("spam", 3), make("trash", 10), make("pending", 90)];
    for (let i = 0; i < 5; i++) make("spam", 2 + i, { blatant: true });
    for (let i = 0; i < 3; i++) make("spam", 20 + i);
    for (let i = 0; i < 4; i++) make("trash", 40 + i);

    const summary = await runRetention({ now: NOW, batchSize: 2 });

    // 5 blatant: 2 + 2 + 1; 3 spam: 2 + 1; 4 trash: 2 + 2 (then an empty batch, not counted).
    expect(summary).toEqual({ blatantSpam: 5, spam: 3, trash: 4, repliesKept: 0, batches: 7 });
    expect(remainingIds()).toEqual(kept);
  });

  it("records every run in job_runs and logs the runs that deleted something", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    make("spam", 2, { blatant: true });
    make("trash", 31);
    const before = Date.now();

    const summary = await runRetention({ now: NOW });

    const run = lastRun();
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
    expect(getDb().select().from(jobRuns).all()).toHaveLength(2);
    expect(lastRun()!.summary).toMatchObject({ blatantSpam: 0, spam: 0, trash: 0, batches: 0 });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("honours changed retention settings", async () => {
    const blatant = make("spam", 0.1, { blatant: true });
    const spam = make("spam", 6);
    const trash = make("trash", 4);
    const young = [make("spam", 4), make("trash", 2)];

    expect(await runRetention({ now: NOW })).toEqual({ blatantSpam: 0, spam: 0, trash: 0, repliesKept: 0, batches: 0 });
    expect(remainingIds()).toEqual([blatant, spam, trash, ...young]);

    expect(updateSettings({ blatantSpamRetentionDays: 0, spamRetentionDays: 5, trashRetentionDays: 3 })).toEqual({ ok: true });
    expect(await runRetention({ now: NOW })).toEqual({ blatantSpam: 1, spam: 1, trash: 1, repliesKept: 0, batches: 3 });
    expect(remainingIds()).toEqual(young);
    expect(lastRun()!.summary).toMatchObject({ days: { blatantSpam: 0, spam: 5, trash: 3 } });
  });

  it("never runs twice at once: a second run while one is in progress does nothing", async () => {
    for (let i = 0; i < 6; i++) make("spam", 20 + i);
    const [a, b] = await Promise.all([runRetention({ now: NOW, batchSize: 2 }), runRetention({ now: NOW, batchSize: 2 })]);
    expect([a.skipped, b.skipped].sort()).toEqual(["running", undefined]);
    expect(a.spam + b.spam).toBe(6);
    expect(getDb().select().from(jobRuns).all()).toHaveLength(1);
  });

  it("finds each batch through the (status, created_at) index", () => {
    const plan = (getDb().$client.prepare(`explain query plan ${RETENTION_BATCH_SQL}`).all({ status: "spam", cutoff: NOW.getTime(), blatant: 1, limit: 500 }) as { detail: string }[])
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toContain("USING INDEX comments_status_created_idx (status=? AND created_at<?)");
    expect(plan).not.toMatch(/SCAN (c|comments)\b/);
  });
});
