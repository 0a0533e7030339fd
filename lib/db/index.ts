import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "@/db/schema";
import { env } from "@/lib/env";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the committed drizzle-kit migrations live (shipped with the build). */
export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Opens (creating when missing) a SQLite file with the settings every
 * connection of this app uses: WAL, foreign keys, a busy timeout.
 */
export function openDatabase(file: string, { synchronous = "normal" }: { synchronous?: "normal" | "full" } = {}): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL: nothing committed is lost when the process dies; FULL: nor on power loss (decision 010).
  sqlite.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return drizzle(sqlite, { schema }) as Db;
}

/** Applies every committed migration not yet applied. */
export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

const globalForDb = globalThis as typeof globalThis & {
  __newsroomDb?: { file: string; db: Db };
};

/** The process-wide connection to `DATABASE_PATH`, migrated on first use. */
export function getDb(): Db {
  const file = env().DATABASE_PATH;
  const existing = globalForDb.__newsroomDb;
  if (existing && existing.file === file) return existing.db;
  const db = openDatabase(file, { synchronous: env().SQLITE_SYNCHRONOUS });
  migrateDatabase(db);
  globalForDb.__newsroomDb = { file, db };
  return db;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement for raw SQL on a connection, prepared once and reused:
 * for hot paths (the comment pipeline) where preparing per call shows up.
 */
export function statement(db: Db, source: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(source);
  if (!prepared) {
    prepared = db.$client.prepare(source);
    cache.set(source, prepared);
  }
  return prepared;
}

const preparedQueries = new WeakMap<Db, Map<string, unknown>>();

/**
 * A drizzle query prepared once per connection (with `sql.placeholder`s) and
 * reused: the SQL is built and handed to SQLite once instead of per call,
 * while rows and values keep drizzle's types and column mappings.
 */
export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  let cache = preparedQueries.get(db);
  if (!cache) {
    cache = new Map();
    preparedQueries.set(db, cache);
  }
  let query = cache.get(key) as T | undefined;
  if (query === undefined) {
    query = build(db);
    cache.set(key, query);
  }
  return query;
}
