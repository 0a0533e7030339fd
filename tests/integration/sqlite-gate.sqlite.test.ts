/**
 * The SQLite transaction gate (lib/db/sqlite.ts) holds when the module is
 * loaded more than once: Next bundles it into several chunks (instrumentation,
 * route handlers, rendering), each a separate copy with its own module-level
 * values, while the process has one connection. Here two copies come from two
 * imports with the module registry reset in between, as the bundler makes them.
 */
import crypto from "node:crypto";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { TMP_DIR } from "../support/paths";

type SqliteModule = typeof import("@/lib/db/sqlite");

async function twoCopies(): Promise<[SqliteModule, SqliteModule]> {
  const a = await import("@/lib/db/sqlite");
  vi.resetModules();
  const b = await import("@/lib/db/sqlite");
  expect(a.sqliteTransaction).not.toBe(b.sqliteTransaction); // really two copies
  return [a, b];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the SQLite transaction gate, with the module bundled twice", () => {
  it("keeps another copy's write out of an open transaction that then rolls back, and queues transactions of both copies", async () => {
    const [startup, requests] = await twoCopies();
    // Opened by one copy (start-up), used by the other (requests), as in `next start`.
    const db = startup.openSqlite(path.join(TMP_DIR, `gate-${crypto.randomUUID()}.db`));
    db.$client.exec("create table t (x integer)");

    const failing = requests
      .sqliteTransaction(db, async () => {
        await requests.sqliteExecute(db, sql`insert into t values (1)`);
        await pause(50);
        throw new Error("rolled back");
      })
      .catch((error: Error) => error.message);
    await pause(10);
    await startup.sqliteExecute(db, sql`insert into t values (2)`); // another request, no transaction
    expect(await failing).toBe("rolled back");
    expect(db.$client.prepare("select x from t order by x").all()).toEqual([{ x: 2 }]);

    // A job's transaction (one copy) and a request's (the other) at once: one waits for the other.
    const job = startup.sqliteTransaction(db, async () => {
      await pause(30);
      await startup.sqliteExecute(db, sql`insert into t values (10)`);
    });
    await pause(5);
    const request = requests.sqliteTransaction(db, async () => {
      await requests.sqliteExecute(db, sql`insert into t values (20)`);
    });
    expect((await Promise.allSettled([job, request])).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(db.$client.prepare("select x from t order by x").all()).toEqual([{ x: 2 }, { x: 10 }, { x: 20 }]);
    db.$client.close();
  });
});
