import "server-only";
import fs from "node:fs";
import os from "node:os";
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
 * connection of this app uses: WAL, foreign keys, a busy timeout. The files
 * hold password hashes, emails and IPs, so they are readable by the owner
 * only (see `restrictDatabaseFiles`).
 */
export function openDatabase(file: string, { synchronous = "normal" }: { synchronous?: "normal" | "full" } = {}): Db {
  if (file !== ":memory:") prepareDatabaseFile(path.resolve(file));
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL: nothing committed is lost when the process dies; FULL: nor on power loss (decision 010).
  sqlite.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  if (file !== ":memory:") restrictDatabaseFiles(path.resolve(file));
  return drizzle(sqlite, { schema }) as Db;
}

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_FOLDER = 0o700;

/**
 * Before SQLite opens the file: its folder is created owner-only, and a
 * missing database file is created empty with mode 0600 (SQLite gives the
 * -wal and -shm files it creates later the database file's mode).
 */
function prepareDatabaseFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: OWNER_ONLY_FOLDER });
  try {
    fs.closeSync(fs.openSync(file, "wx", OWNER_ONLY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/**
 * Tightens existing files from before (created 0644): the database, -wal and
 * -shm to 0600, and the data folder to 0700 when it is the app's own (owned
 * by this user; not the working directory or one above it, the home folder,
 * or a shared folder like /tmp).
 */
function restrictDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== OWNER_ONLY_FILE) fs.chmodSync(f, OWNER_ONLY_FILE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const folder = path.dirname(file);
  if (isDedicatedFolder(folder)) {
    const mode = fs.statSync(folder).mode & 0o777;
    if (mode !== OWNER_ONLY_FOLDER) fs.chmodSync(folder, OWNER_ONLY_FOLDER);
  }
}

function isDedicatedFolder(folder: string): boolean {
  const stat = fs.statSync(folder);
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return false;
  if (stat.mode & 0o1000) return false; // sticky bit: a shared folder, like /tmp
  const cwd = process.cwd();
  const isCwdOrAbove = cwd === folder || cwd.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
  return !isCwdOrAbove && folder !== os.homedir() && folder !== path.parse(folder).root;
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
