/**
 * Viral writes (issue 20, point 5): under a stream of approvals, an article's
 * cached pages are expired at most once a second, and every approval is
 * expired within about a second and a poll of being committed
 * (lib/cache/invalidation.ts, MIN_EXPIRY_INTERVAL_MS). The clock is the
 * `now` each read is given, so nothing here depends on the machine's speed.
 */
import { describe, expect, it, vi } from "vitest";

const expired: { tag: string; at: number }[] = [];
let clock = 0;
vi.mock("next/cache", () => ({
  unstable_cache: <T,>(fn: () => Promise<T>) => fn,
  revalidateTag: (tag: string) => void expired.push({ tag, at: clock }),
}));

const { expireChangesOf, expirePageChanges, MIN_EXPIRY_INTERVAL_MS, POLL_MS, SECOND_EXPIRY_MS } = await import("@/lib/cache/invalidation");
const { getDb, row, sql } = await import("@/lib/db");
const { createArticle, createComment } = await import("../support/factories");

/** A poll at `at`: what expirePageChanges expired. */
async function poll(at: number): Promise<string[]> {
  clock = at;
  return expirePageChanges(getDb(), at);
}

async function latestChange(): Promise<number> {
  return Number((await row<{ id: number }>(getDb(), sql`select coalesce(max(id), 0) as id from page_changes`))!.id);
}

describe("expiring a story whose comments are approved many times a second", () => {
  it("expires its pages at most once a second, and each approval within a second and a poll", async () => {
    const article = await createArticle();
    const tag = `article:${article.id}`;
    // Start from a quiet page: whatever the set-up logged, expired and long past.
    const start = Date.now() + 3_600_000;
    await poll(start);
    await poll(start + 10_000);
    expired.length = 0;

    // 20 approvals a second for 5 seconds (one every 50 ms), the log read every poll,
    // and a request's own read right after each approval (as posting does).
    const committedAt = new Map<number, number>(); // change row id → when committed
    const t0 = start + 20_000;
    for (let i = 0; i < 100; i++) {
      const at = t0 + i * 50;
      clock = at;
      await createComment(article.id, { status: "approved" });
      committedAt.set(await latestChange(), at);
      await poll(at);
      if (i % 5 === 0) await poll(at + 1); // the poller's tick, between requests
    }
    // Then quiet: the poller goes on.
    for (let at = t0 + 5_000; at <= t0 + 9_000; at += POLL_MS) await poll(at);

    const times = expired.filter((e) => e.tag === tag).map((e) => e.at);
    // Never twice within the interval.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(MIN_EXPIRY_INTERVAL_MS);
    // Once at the first approval, then about once a second while they go on, and a second expiry after the last.
    expect(times[0]).toBe(t0);
    expect(times.length).toBeGreaterThanOrEqual(6);
    expect(times.length).toBeLessThanOrEqual(7);
    // Every approval: expired at or after it was committed, within the interval and a poll.
    for (const [, at] of committedAt) {
      const next = times.find((t) => t >= at);
      expect(next).toBeDefined();
      expect(next! - at).toBeLessThanOrEqual(MIN_EXPIRY_INTERVAL_MS + POLL_MS);
    }
    // The last approval's page is expired once more a second later (a render under way then is not kept).
    const last = Math.max(...committedAt.values());
    const lastExpiry = times.find((t) => t >= last)!;
    expect(times).toContain(lastExpiry + SECOND_EXPIRY_MS);
  });

  it("expires a change at once after a quiet second, and a change on another article is not held back", async () => {
    const [story, other] = [await createArticle(), await createArticle()];
    const start = Date.now() + 7_200_000;
    await poll(start);
    await poll(start + 10_000);
    expired.length = 0;
    const t0 = start + 20_000;

    clock = t0;
    await createComment(story.id, { status: "approved" });
    expect(await poll(t0)).toContain(`article:${story.id}`);
    // 300 ms later, the same story waits; another story does not.
    await createComment(story.id, { status: "approved" });
    await createComment(other.id, { status: "approved" });
    const at300 = await poll(t0 + 300);
    expect(at300).toContain(`article:${other.id}`);
    expect(at300).not.toContain(`article:${story.id}`);
    expect(await poll(t0 + 999)).not.toContain(`article:${story.id}`);
    // The waiting change, with the second expiry.
    expect(await poll(t0 + 1_000)).toContain(`article:${story.id}`);
    // Its own second expiry a second later, then nothing more.
    expect(await poll(t0 + 2_000)).toContain(`article:${story.id}`);
    expect(await poll(t0 + 3_000)).not.toContain(`article:${story.id}`);
    // After a quiet second, at once again.
    await createComment(story.id, { status: "approved" });
    expect(await poll(t0 + 3_100)).toContain(`article:${story.id}`);
  });

  it("has the author of a change wait for the article's second, and expires it before answering them", async () => {
    const article = await createArticle();
    const tag = `article:${article.id}`;
    await createComment(article.id, { status: "approved" });
    await expirePageChanges(getDb()); // a change expired just now, at once
    const firstAt = Date.now();
    expired.length = 0;
    await createComment(article.id, { status: "approved" }); // the author's, within that second
    await expireChangesOf([tag]);
    // Expired before the author's request goes on, and not before the second had passed.
    expect(expired.map((e) => e.tag)).toContain(tag);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(MIN_EXPIRY_INTERVAL_MS - 50);
    // A change the log does not hold (an edit of a held comment, which no shared page shows)
    // neither waits nor expires anything.
    const quiet = await createArticle();
    await expirePageChanges(getDb(), Date.now() - 10_000); // its creation, long read
    await expirePageChanges(getDb(), Date.now() - 5_000); // and its second expiry
    await createComment(quiet.id, { status: "pending" });
    expired.length = 0;
    await expireChangesOf([`article:${quiet.id}`]);
    expect(expired.map((e) => e.tag)).not.toContain(`article:${quiet.id}`);
  });
});
