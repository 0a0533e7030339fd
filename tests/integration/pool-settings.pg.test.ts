/**
 * PostgreSQL's connection settings (decision 014): the pool size and the
 * statement timeout are the ones configured, and a statement that runs too
 * long is cancelled by the server and counted as "unavailable" (a 503), not
 * left to hold a connection. The PostgreSQL pass only.
 */
import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase, rows, sql } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import type { PgDb } from "@/lib/db/postgres";

describe("the PostgreSQL pool", () => {
  it("has the size and statement timeout it was given, and cancels a statement that runs longer", async () => {
    const db = openDatabase(process.env.DATABASE_URL!, { poolSize: 3, statementTimeoutMs: 300 });
    try {
      expect((db as unknown as PgDb).$client.options.max).toBe(3);
      expect(await rows(db, sql`show statement_timeout`)).toEqual([{ statement_timeout: "300ms" }]);
      const started = Date.now();
      const error = await rows(db, sql`select pg_sleep(5)`).then(
        () => null,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(isDatabaseUnavailable(error)).toBe(true);
      // The SQLSTATE is the error's own (lib/db/errors.ts DatabaseQueryError: no cause carrying the parameters).
      expect(String((error as { code?: string }).code)).toBe("57014");
      // The connection is usable again at once.
      expect(await rows(db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await closeDatabase(db);
    }
  });

  it("answers a clear error within the connect timeout when the server cannot be reached", async () => {
    const db = openDatabase("postgres://127.0.0.1:1/nowhere", { connectTimeoutMs: 500 });
    try {
      const error = await rows(db, sql`select 1`).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await closeDatabase(db);
    }
  });
});
