/**
 * PostgreSQL hands out change-log ids at insert, not at commit: a change can
 * become visible after one with a higher id has been read. The reader still
 * expires it (lib/cache/invalidation.ts, LATE_COMMIT_WINDOW_MS). Two
 * transactions at once need PostgreSQL, so this runs in its pass only.
 */
import pg from "pg";
import { describe, expect, it, vi } from "vitest";

const expired: string[] = [];
vi.mock("next/cache", () => ({ revalidateTag: (tag: string) => expired.push(tag) }));

const { expirePageChanges } = await import("@/lib/cache/invalidation");

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  return c;
}

describe("the page-change log on PostgreSQL", () => {
  it("expires a change that commits after a later one was read", async () => {
    // One clock for every read: the second expiries (a second later) never come due here.
    const now = Date.now();
    const { getDb } = await import("@/lib/db");
    const read = () => expirePageChanges(getDb(), now);
    await read();
    expired.length = 0;
    const slow = await client();
    const quick = await client();
    try {
      await slow.query("begin");
      await slow.query("insert into page_changes (tag) values ('article:late')"); // the lower id, not committed yet
      await quick.query("insert into page_changes (tag) values ('article:early')"); // a higher id, committed
      expect(await read()).toEqual(["article:early"]);
      await slow.query("commit");
      expect(await read()).toEqual(["article:late"]);
      // And nothing twice.
      expect(await read()).toEqual([]);
      expect(expired).toEqual(["article:early", "article:late"]);
    } finally {
      await slow.end();
      await quick.end();
    }
  });

  it("forgets, after the window, an id a rolled-back transaction took", async () => {
    const { getDb } = await import("@/lib/db");
    const { LATE_COMMIT_WINDOW_MS } = await import("@/lib/cache/invalidation");
    const gaps = () => (globalThis as unknown as Record<symbol, { gaps: Map<number, number> }>)[Symbol.for("newsroom.page-cache-invalidation")]!.gaps;
    const now = Date.now();
    await expirePageChanges(getDb(), now);
    const undone = await client();
    const quick = await client();
    try {
      await undone.query("begin");
      await undone.query("insert into page_changes (tag) values ('article:never')");
      await undone.query("rollback");
      await quick.query("insert into page_changes (tag) values ('article:after-rollback')");
      expect(await expirePageChanges(getDb(), now)).toEqual(["article:after-rollback"]);
      expect(gaps().size).toBe(1); // the rolled-back id, asked for again by the next reads
      expect(await expirePageChanges(getDb(), now)).toEqual([]);
      await expirePageChanges(getDb(), now + LATE_COMMIT_WINDOW_MS + 1_000);
      expect(gaps().size).toBe(0);
    } finally {
      await undone.end();
      await quick.end();
    }
  });
});
