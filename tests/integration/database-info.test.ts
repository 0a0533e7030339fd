/** What /admin says about the database (lib/server/database-info.ts), on either store. */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { getDb, storeOf } from "@/lib/db";
import { databaseInfo } from "@/lib/server/database-info";

describe(`the database panel (${storeOf(getDb())})`, () => {
  it("names the store, and on PostgreSQL lists every instance connected, this one first", async () => {
    const info = await databaseInfo();
    if (info.store === "sqlite") {
      expect(info.label).toBe(process.env.DATABASE_PATH);
      return;
    }
    expect(info.label).toMatch(/^PostgreSQL postgres:\/\//);
    expect(info.poolSize).toBe(10);
    // Another instance, as another machine's process would connect.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: "newsroom-listener web-2:4242" });
    await other.connect();
    try {
      await expect
        .poll(async () => { const now = await databaseInfo(); return now.store === "postgres" ? now.instances : []; }, { timeout: 5_000 })
        .toEqual([info.self, "web-2:4242"]);
    } finally {
      await other.end();
    }
  });
});
