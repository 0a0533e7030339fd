import { getTableConfig } from "drizzle-orm/sqlite-core";
import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "@/db/sqlite/schema";
import { COPY_ORDER, NOT_COPIED } from "@/lib/db/copy";

describe("npm run db:copy", () => {
  it("copies every table of the schema, or says why not: a new table cannot be forgotten", () => {
    const tables = Object.values(sqliteSchema)
      .filter((v) => is(v, SQLiteTable))
      .map((t) => getTableConfig(t as SQLiteTable).name)
      .sort();
    expect([...COPY_ORDER, ...NOT_COPIED].sort()).toEqual(tables);
  });
});
