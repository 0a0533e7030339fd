/**
 * What the database was asked, for tests that check which statements a piece
 * of code runs and how the store plans them, on either store.
 */
import { vi } from "vitest";
import { getDb, rows, sql, storeOf, transaction, type Db } from "@/lib/db";
import type { SQL } from "drizzle-orm";

/**
 * The SQL statements sent while `fn` runs: those SQLite prepares (each query
 * goes through `prepare`, cached or not), or those the PostgreSQL pool sends.
 */
export async function statementsDuring(fn: () => Promise<unknown>, db: Db = getDb()): Promise<string[]> {
  const client = (db as unknown as { $client: object }).$client;
  const method = storeOf(db) === "sqlite" ? "prepare" : "query";
  const spy = vi.spyOn(client as Record<string, (...args: unknown[]) => unknown>, method);
  try {
    await fn();
    return spy.mock.calls.map(([query]) =>
      typeof query === "string" ? query : String((query as { text?: string } | undefined)?.text ?? query),
    );
  } finally {
    spy.mockRestore();
  }
}

/**
 * The store's plan for a query, as text: SQLite's EXPLAIN QUERY PLAN lines;
 * PostgreSQL's EXPLAIN with sequential scans discouraged (its tables here are
 * tiny, where a scan would always win), so the plan shows whether an index
 * can serve the query.
 */
export async function queryPlan(query: SQL, db: Db = getDb()): Promise<string> {
  if (storeOf(db) === "sqlite") {
    const found = await rows<{ detail: string }>(db, sql`explain query plan ${query}`);
    return found.map((r) => r.detail).join("\n");
  }
  return transaction(db, async (tx) => {
    await rows(tx, sql`set local enable_seqscan = off`);
    const found = await rows<{ "QUERY PLAN": string }>(tx, sql`explain ${query}`);
    return found.map((r) => r["QUERY PLAN"]).join("\n");
  });
}
