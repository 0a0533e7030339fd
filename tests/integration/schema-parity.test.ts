/**
 * The two stores hold one model (decision 014): db/sqlite/schema.ts and
 * db/pg/schema.ts must define the same tables, columns (with the same
 * JavaScript values), defaults, keys, checks and indexes, and each store's
 * committed migrations must build exactly what its schema says. A column or
 * index added to one schema and not the other fails here.
 */
import { is, SQL, type Column } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable, PgDialect } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable, SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/sqlite/schema";
import { closeDatabase, getDb, migrateDatabase, openDatabase, rows, sql, storeOf, type Db } from "@/lib/db";

/** What each store has that the other models differently, on purpose. */
const STORE_ONLY_INDEXES = {
  // The moderation search: SQLite has the FTS5 trigram table comments_search (migration 0005).
  postgres: ["comments_search_trgm_idx"],
  sqlite: [] as string[],
};

const pgDialect = new PgDialect();
const sqliteDialect = new SQLiteSyncDialect();

/** The kind of JavaScript value a column holds, whatever its SQL type. */
function valueKind(column: Column): string {
  const type = column.columnType;
  if (type === "SQLiteTimestamp" || (type === "PgCustomColumn" && column.getSQLType() === "bigint")) return "date";
  if (type === "SQLiteBoolean" || type === "PgBoolean") return "boolean";
  if (type === "SQLiteTextJson" || type === "PgJsonb") return "json";
  if (type === "SQLiteInteger" || type === "PgInteger") return "integer";
  if (type === "SQLiteText" || type === "PgText") return "text";
  return `unknown ${type}`;
}

/** The SQL of an index expression or condition, with the dialect's quoting removed. */
function plain(fragment: SQL | undefined, dialect: PgDialect | SQLiteSyncDialect): string | null {
  if (!fragment) return null;
  return dialect
    .sqlToQuery(fragment)
    .sql.replace(/["`]/g, "")
    .replace(/\b\w+\.(\w+)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

type Shape = {
  columns: Record<string, { kind: string; notNull: boolean; hasDefault: boolean; primary: boolean; enum: string[] | null }>;
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
  foreignKeys: string[];
  checks: string[];
};

function shapeOf(table: PgTable | SQLiteTable): Shape {
  const isPg = is(table, PgTable);
  const config = isPg ? pgTableConfig(table as PgTable) : sqliteTableConfig(table as SQLiteTable);
  const dialect = isPg ? pgDialect : sqliteDialect;
  const columns: Shape["columns"] = {};
  for (const column of config.columns) {
    columns[column.name] = {
      kind: valueKind(column),
      notNull: column.notNull,
      hasDefault: column.hasDefault,
      primary: column.primary || config.primaryKeys.some((pk) => pk.columns.includes(column as never)),
      enum: column.enumValues ?? null,
    };
  }
  const indexes: Shape["indexes"] = {};
  for (const index of config.indexes) {
    const c = index.config as { name: string; columns: unknown[]; unique: boolean; where?: SQL };
    indexes[c.name] = {
      columns: c.columns.map((col) => (is(col, SQL) ? (plain(col, dialect) ?? "") : (col as Column).name)),
      unique: c.unique,
      where: plain(c.where, dialect),
    };
  }
  const foreignKeys = config.foreignKeys
    .map((fk) => {
      const ref = fk.reference();
      const target = isPg ? pgTableConfig(ref.foreignTable as PgTable).name : sqliteTableConfig(ref.foreignTable as SQLiteTable).name;
      return `${ref.columns.map((c) => c.name).join(",")} -> ${target}(${ref.foreignColumns.map((c) => c.name).join(",")}) on delete ${fk.onDelete ?? "no action"}`;
    })
    .sort();
  const checks = config.checks.map((c) => c.name).sort();
  return { columns, indexes, foreignKeys, checks };
}

function tablesOf(schema: Record<string, unknown>, kind: typeof PgTable | typeof SQLiteTable) {
  const tables = new Map<string, PgTable | SQLiteTable>();
  for (const value of Object.values(schema)) {
    if (is(value, kind)) {
      const table = value as PgTable | SQLiteTable;
      const name = is(table, PgTable) ? pgTableConfig(table as PgTable).name : sqliteTableConfig(table as SQLiteTable).name;
      tables.set(name, table);
    }
  }
  return tables;
}

describe("the SQLite and PostgreSQL schemas", () => {
  const pgTables = tablesOf(pgSchema, PgTable);
  const sqliteTables = tablesOf(sqliteSchema, SQLiteTable);

  it("define the same tables", () => {
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    expect(pgTables.size).toBeGreaterThanOrEqual(13);
  });

  for (const name of [...sqliteTables.keys()].sort()) {
    it(`define ${name} alike: columns, keys, checks and indexes`, () => {
      const lite = shapeOf(sqliteTables.get(name)!);
      const pg = shapeOf(pgTables.get(name)!);
      expect(pg.columns).toEqual(lite.columns);
      expect(pg.foreignKeys).toEqual(lite.foreignKeys);
      expect(pg.checks).toEqual(lite.checks);
      for (const only of STORE_ONLY_INDEXES.postgres) delete pg.indexes[only];
      for (const only of STORE_ONLY_INDEXES.sqlite) delete lite.indexes[only];
      expect(pg.indexes).toEqual(lite.indexes);
    });
  }
});

/** Tables, columns and index names of a migrated database, as the database itself reports them. */
async function introspect(db: Db) {
  const result: Record<string, { columns: string[]; indexes: string[] }> = {};
  if (storeOf(db) === "sqlite") {
    const tables = await rows<{ name: string }>(
      db,
      sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' and name not like 'comments_search%'`,
    );
    for (const { name } of tables) {
      const columns = await rows<{ name: string }>(db, sql`select name from pragma_table_info(${name})`);
      const indexes = await rows<{ name: string }>(
        db,
        sql`select name from pragma_index_list(${name}) where origin = 'c'`,
      );
      result[name] = { columns: columns.map((c) => c.name).sort(), indexes: indexes.map((i) => i.name).sort() };
    }
  } else {
    const columns = await rows<{ table: string; column: string }>(
      db,
      sql`select table_name as "table", column_name as "column" from information_schema.columns where table_schema = 'public'`,
    );
    const indexes = await rows<{ table: string; index: string }>(
      db,
      sql`select i.tablename as "table", i.indexname as "index" from pg_indexes i
          where i.schemaname = 'public' and not exists (
            select 1 from pg_constraint c where c.conname = i.indexname and c.contype in ('p', 'u'))`,
    );
    for (const { table, column } of columns) (result[table] ??= { columns: [], indexes: [] }).columns.push(column);
    for (const { table, index } of indexes) result[table]?.indexes.push(index);
    for (const entry of Object.values(result)) {
      entry.columns.sort();
      entry.indexes.sort();
    }
  }
  return result;
}

function expectedFromSchema(tables: Map<string, PgTable | SQLiteTable>, skip: string[]) {
  const result: Record<string, { columns: string[]; indexes: string[] }> = {};
  for (const [name, table] of tables) {
    const shape = shapeOf(table);
    result[name] = {
      columns: Object.keys(shape.columns).sort(),
      indexes: Object.keys(shape.indexes)
        .filter((i) => !skip.includes(i))
        .sort(),
    };
  }
  return result;
}

describe("each store's migrations", () => {
  it("build what its schema defines (this run's store)", async () => {
    const db = getDb();
    const actual = await introspect(db);
    const expected =
      storeOf(db) === "postgres"
        ? expectedFromSchema(tablesOf(pgSchema, PgTable), [])
        : expectedFromSchema(tablesOf(sqliteSchema, SQLiteTable), []);
    expect(actual).toEqual(expected);
  });

  it("build the same tables and columns on SQLite as on this run's store", async () => {
    const lite = openDatabase(":memory:");
    try {
      await migrateDatabase(lite);
      const sqliteActual = await introspect(lite);
      const current = await introspect(getDb());
      const columnsOnly = (r: typeof current) =>
        Object.fromEntries(Object.entries(r).map(([t, v]) => [t, v.columns]));
      expect(columnsOnly(current)).toEqual(columnsOnly(sqliteActual));
    } finally {
      await closeDatabase(lite);
    }
  });
});
