/**
 * Deleting a comment permanently never takes anyone else's words with it:
 * its replies move up a level (decision 010), whichever way it is deleted
 * (a moderator's Delete permanently, Empty Spam/Trash, an account deleted
 * with its comments, the retention job, or plain SQL), and the counts say
 * exactly what went.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { comments } from "@/db/schema";
import { deleteAccount } from "@/lib/auth/users";
import { getThreadPage } from "@/lib/comments/thread";
import { execute, getDb, row, sql } from "@/lib/db";
import { currentJobRun, latestJobRun } from "@/lib/db/job-runs";
import { applyModeration } from "@/lib/moderation/apply";
import { consoleJobs } from "@/lib/moderation/background";
import { emptyQueueJob, moderateComment, startEmptyQueue } from "@/lib/moderation/moderate";
import { historyOf } from "../support/comments";
import { createArticle, createComment, createUser } from "../support/factories";

let mo = { id: 0, name: "Mo Moderator" };

beforeAll(async () => {
  mo = { id: (await createUser({ role: "moderator", name: "Mo Moderator" })).id, name: "Mo Moderator" };
  vi.spyOn(console, "log").mockImplementation(() => {});
});

const exists = async (id: number) => (await getDb().select({ id: comments.id }).from(comments).where(eq(comments.id, id))).length > 0;
const parentOf = async (id: number) => (await getDb().select().from(comments).where(eq(comments.id, id)))[0]?.parentId;
const countSpam = async () => Number((await row<{ n: number }>(getDb(), sql`select count(*) as n from comments where status = 'spam'`))?.n);

/** root (approved) → spammy (later marked spam) → [two approved replies from other readers, one with its own reply]. */
async function thread() {
  const article = await createArticle();
  const root = (await createComment(article.id, { status: "approved", authorName: "Rosa Root" })).id;
  const spammy = (await createComment(article.id, { status: "spam", parentId: root, authorName: "Sly Spammer" })).id;
  const replyA = (await createComment(article.id, { status: "approved", parentId: spammy, authorName: "Ann Answer" })).id;
  const replyB = (await createComment(article.id, { status: "approved", parentId: spammy, authorName: "Ben Answer" })).id;
  const deep = (await createComment(article.id, { status: "approved", parentId: replyB, authorName: "Dee Deep" })).id;
  return { article, root, spammy, replyA, replyB, deep };
}

describe("Delete permanently", () => {
  it("keeps other readers' replies, moved up to the deleted comment's parent, and says so", async () => {
    const t = await thread();
    const outcome = await applyModeration(mo, "delete", [{ id: t.spammy, expected: "spam" }]);

    expect(await exists(t.spammy)).toBe(false);
    for (const id of [t.root, t.replyA, t.replyB, t.deep]) expect(await exists(id)).toBe(true);
    expect(await parentOf(t.replyA)).toBe(t.root);
    expect(await parentOf(t.replyB)).toBe(t.root);
    expect(await parentOf(t.deep)).toBe(t.replyB);
    expect(outcome.message).toBe("1 comment deleted permanently. 2 replies to it stay, moved up a level.");
    expect(outcome.changed).toBe(1);

    const moved = (await historyOf(t.replyA)).find((e) => e.type === "moved_up");
    expect(moved).toMatchObject({ actorId: mo.id });
    expect(moved?.message).toBe(`Moved up a level: the comment it replied to (#${t.spammy} by Sly Spammer) was deleted permanently by Mo Moderator`);

    // Readers still see the whole conversation.
    const page = await getThreadPage(getDb(), t.article.id, { perPage: 50 });
    const rootNode = page.roots.find((r) => r.id === t.root)!;
    expect(rootNode.children.map((c) => c.id)).toEqual([t.replyA, t.replyB]);
    expect(rootNode.children[1]!.children.map((c) => c.id)).toEqual([t.deep]);
  });

  it("deletes a parent and its reply ticked together: exactly those two, the reply's own replies stay", async () => {
    const t = await thread();
    await getDb().update(comments).set({ status: "trash" }).where(eq(comments.id, t.replyB));
    const outcome = await applyModeration(mo, "delete", [
      { id: t.spammy, expected: "spam" },
      { id: t.replyB, expected: "trash" },
    ]);
    expect(outcome.changed).toBe(2);
    expect((await exists(t.replyA)) && (await exists(t.deep)) && (await exists(t.root))).toBe(true);
    expect(await parentOf(t.deep)).toBe(t.root);
    expect(await parentOf(t.replyA)).toBe(t.root);
    expect(outcome.message).toBe("2 comments deleted permanently. 2 replies to them stay, moved up a level.");
  });
});

describe("Empty Spam", () => {
  it("deletes every spam comment in batches in the background, keeps replies, and reports exact counts", async () => {
    const t = await thread();
    const article = t.article;
    for (let i = 0; i < 45; i++) await createComment(article.id, { status: "spam" });
    const spamBefore = await countSpam();

    const start = await startEmptyQueue(mo, "spam", { sliceMs: 1 });
    if (!start.started) throw new Error("not started");
    expect(start.total).toBe(spamBefore);
    // A second click while it runs starts nothing.
    const again = await startEmptyQueue(mo, "spam");
    expect(again.started).toBe(false);
    expect(await currentJobRun(getDb(), emptyQueueJob("spam"))).not.toBeNull();
    expect((await consoleJobs(getDb()))[0]?.text).toMatch(/^Emptying Spam: \d+ of \d+ deleted/);

    const done = await start.finished;
    expect(done).toEqual({ queue: "spam", total: spamBefore, deleted: spamBefore, repliesKept: 2 });
    expect(await countSpam()).toBe(0);
    for (const id of [t.root, t.replyA, t.replyB, t.deep]) expect(await exists(id)).toBe(true);
    expect((await latestJobRun(getDb(), emptyQueueJob("spam")))?.finishedAt).not.toBeNull();
    expect((await consoleJobs(getDb())).map((j) => j.text)).toContain(
      `Spam emptied: ${spamBefore} comments deleted permanently; 2 replies to them kept, moved up a level.`,
    );
  });

  it("leaves comments that reached Spam after the click", async () => {
    const article = await createArticle();
    for (let i = 0; i < 5; i++) await createComment(article.id, { status: "trash" });
    const start = await startEmptyQueue(mo, "trash", { sliceMs: 1 });
    if (!start.started) throw new Error("not started");
    const late = (await createComment(article.id, { status: "trash" })).id;
    expect((await start.finished).deleted).toBe(5);
    expect(await exists(late)).toBe(true);
  });
});

describe("Empty Trash and comments moved in after the click", () => {
  it("leaves a comment a moderator moves into Trash while the job runs", async () => {
    const article = await createArticle();
    const older = (await createComment(article.id, { status: "approved", content: "Moved to Trash after the click." })).id;
    for (let i = 0; i < 300; i++) await createComment(article.id, { status: "trash" });
    const start = await startEmptyQueue(mo, "trash", { sliceMs: 1 });
    if (!start.started) throw new Error("not started");
    await new Promise((r) => setTimeout(r, 5));
    expect(await moderateComment(getDb(), mo, { id: older, action: "trash", expected: "approved" })).toMatchObject({ ok: true });
    const done = await start.finished;
    expect(done.deleted).toBe(start.total);
    expect(await exists(older)).toBe(true);
  });
});

describe("deleting an account with its comments", () => {
  it("removes only that person's comments; replies from others stay", async () => {
    const admin = await createUser({ role: "admin" });
    const author = await createUser({ role: "reader", name: "Gone Reader" });
    const article = await createArticle();
    const theirs = (await createComment(article.id, { status: "approved", userId: author.id, authorName: "Gone Reader" })).id;
    const reply = (await createComment(article.id, { status: "approved", parentId: theirs, authorName: "Stay Reader" })).id;
    const result = await deleteAccount(admin.id, author.id, "remove");
    expect(result).toMatchObject({ ok: true, message: "Gone Reader's account and 1 comment were deleted." });
    expect(await exists(theirs)).toBe(false);
    expect(await exists(reply)).toBe(true);
    expect(await parentOf(reply)).toBeNull();
  });
});

describe("the database's own safety net", () => {
  it("a plain SQL delete of a comment moves its replies up instead of cascading", async () => {
    const t = await thread();
    await execute(getDb(), sql`delete from comments where id = ${t.spammy}`);
    expect((await exists(t.replyA)) && (await exists(t.replyB)) && (await exists(t.deep))).toBe(true);
    expect(await parentOf(t.replyA)).toBe(t.root);
  });
});
