import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "@/db/sqlite/schema";
import { toSafeDatabaseError } from "./errors";

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the committed SQLite migrations live (shipped with the build). */
export const SQLITE_MIGRATIONS = path.join(process.cwd(), "db", "sqlite", "migrations");

/**
 * One SQLite connection serves the whole process, and better-sqlite3 runs
 * each statement synchronously. A transaction, though, spans awaits (the
 * domain code is async for PostgreSQL's sake), and while it is open another
 * request's statement on the same connection would join it: read its
 * uncommitted rows, or be rolled back with it. The gate makes an open
 * transaction exclusive, the way a pool of one connection would: statements
 * from outside it wait (asynchronously) until it ends; those inside it (found
 * through AsyncLocalStorage) run at once. Transactions queue one behind
 * another. With no transaction open, the check is one property read.
 */
type Gate = {
  /** The open transaction's token, or null. */
  holder: symbol | null;
  /** Resolves when the open transaction ends. */
  released: Promise<void>;
  /** The end of the queue of transactions waiting to begin. */
  tail: Promise<void>;
};

type TransactionContext = { db: SqliteDb; token: symbol; depth: number };

/**
 * Process-wide, not per module: Next bundles this module into several
 * chunks (instrumentation, route handlers, server rendering), each with its
 * own copy of module-level values, while the connection is one. The gate and
 * the context must be the connection's, whichever copy opens a transaction
 * or runs a statement.
 */
const shared = globalThis as typeof globalThis & {
  [key: symbol]: { context: AsyncLocalStorage<TransactionContext>; gates: WeakMap<object, Gate> } | undefined;
};
const SHARED_KEY = Symbol.for("newsroom.sqlite-gate");
const { context, gates } = (shared[SHARED_KEY] ??= {
  context: new AsyncLocalStorage<TransactionContext>(),
  gates: new WeakMap<object, Gate>(),
});

function gateOf(db: SqliteDb): Gate {
  let gate = gates.get(db);
  if (!gate) {
    gate = { holder: null, released: Promise.resolve(), tail: Promise.resolve() };
    gates.set(db, gate);
  }
  return gate;
}

function insideHolder(gate: Gate): boolean {
  return gate.holder === null || context.getStore()?.token === gate.holder;
}

const QUERY_METHODS = ["run", "all", "get", "values"] as const;
type PreparedLike = Record<(typeof QUERY_METHODS)[number], (...args: unknown[]) => unknown>;

/**
 * Wraps each prepared query drizzle makes on this connection so that, while
 * another flow's transaction is open, it waits for the gate. Drizzle's query
 * builders call these from their async `execute`, so a promise returned here
 * is awaited like a value.
 */
function installGate(db: SqliteDb): void {
  const gate = gateOf(db);
  const session = (db as unknown as { session: { prepareQuery: (...args: unknown[]) => PreparedLike } }).session;
  const prepareQuery = session.prepareQuery.bind(session);
  session.prepareQuery = (...args: unknown[]) => {
    const source = args[0] as { sql: string; params: unknown[] };
    let query: PreparedLike;
    try {
      query = prepareQuery(...args);
    } catch (error) {
      throw toSafeDatabaseError(error, { statement: source.sql, params: source.params });
    }
    for (const method of QUERY_METHODS) {
      const original = Object.getPrototypeOf(query)[method] as (...a: unknown[]) => unknown;
      // The driver's error, translated like PostgreSQL's (lib/db/postgres.ts): the statement and the code, never the values.
      const run = (params: unknown[]) => {
        try {
          return original.apply(query, params);
        } catch (error) {
          throw toSafeDatabaseError(error, { statement: source.sql, params: source.params });
        }
      };
      query[method] = function gated(this: unknown, ...params: unknown[]) {
        if (insideHolder(gate)) return run(params);
        return (async () => {
          while (!insideHolder(gate)) await gate.released;
          return run(params);
        })();
      };
    }
    return query;
  };
}

/**
 * better-sqlite3 prepares a statement for each query drizzle runs; the SQL of
 * a query builder is the same every time, so the compiled statement is kept
 * (up to 500 per connection) instead of being prepared again.
 */
function cacheStatements(client: Database.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Database.Statement>();
  client.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source); // re-insert: most recently used last
    } else {
      stmt = prepare(source);
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    // drizzle switches a statement to raw (array) rows when it maps columns itself.
    return stmt.reader ? stmt.raw(false) : stmt;
  }) as typeof client.prepare;
}

/**
 * Opens (creating when missing) a SQLite file with the settings every
 * connection of this app uses: WAL, foreign keys, a busy timeout. The files
 * hold password hashes, emails and IPs, so they are readable by the owner
 * only (see `restrictDatabaseFiles`).
 */
export function openSqlite(file: string, { synchronous = "normal" }: { synchronous?: "normal" | "full" } = {}): SqliteDb {
  if (file !== ":memory:") prepareDatabaseFile(path.resolve(file));
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  // NORMAL: nothing committed is lost when the process dies; FULL: nor on power loss (decision 010).
  client.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  if (file !== ":memory:") restrictDatabaseFiles(path.resolve(file));
  cacheStatements(client);
  const db = drizzle(client, { schema }) as SqliteDb;
  installGate(db);
  return db;
}

export function migrateSqlite(db: SqliteDb): void {
  migrate(db, { migrationsFolder: SQLITE_MIGRATIONS });
}

/**
 * Runs `work` in a transaction (BEGIN IMMEDIATE: the write lock is taken at
 * the start, so two processes never deadlock upgrading a read). The gate
 * keeps it exclusive within the process; a nested call is a savepoint.
 */
export async function sqliteTransaction<T>(db: SqliteDb, work: () => Promise<T>): Promise<T> {
  const store = context.getStore();
  if (store && store.db === db && gateOf(db).holder === store.token) {
    const name = `sp${store.depth + 1}`;
    db.$client.exec(`SAVEPOINT ${name}`);
    try {
      const result = await context.run({ ...store, depth: store.depth + 1 }, work);
      db.$client.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      // SQLite may have rolled the whole transaction back already (some
      // errors do): the original error is the one to report.
      if (db.$client.inTransaction) {
        try {
          db.$client.exec(`ROLLBACK TO ${name}`);
          db.$client.exec(`RELEASE ${name}`);
        } catch {
          // the outer transaction's rollback cleans up
        }
      }
      throw error;
    }
  }
  const gate = gateOf(db);
  let release!: () => void;
  const turn = gate.tail;
  const ended = new Promise<void>((resolve) => (release = resolve));
  gate.tail = turn.then(() => ended);
  await turn;
  const token = Symbol("transaction");
  gate.holder = token;
  gate.released = ended;
  try {
    db.$client.exec("BEGIN IMMEDIATE");
    try {
      const result = await context.run({ db, token, depth: 0 }, work);
      db.$client.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.$client.inTransaction) db.$client.exec("ROLLBACK");
      throw error;
    }
  } finally {
    gate.holder = null;
    release();
  }
}

/** Raw SQL on SQLite: all rows, as objects keyed by column name. */
export async function sqliteRows<T>(db: SqliteDb, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await (db.all(query) as unknown as Promise<T[]>));
}

/** Raw SQL on SQLite: the number of rows it changed. */
export async function sqliteExecute(db: SqliteDb, query: ReturnType<typeof sql>): Promise<number> {
  try {
    // A plain value, or a promise while another flow's transaction holds the gate.
    const result = await (db.run(query) as unknown as Promise<Database.RunResult>);
    return result.changes;
  } catch (error) {
    // drizzle wraps a failed `run` once more ("Failed to run the query …"): the translated error underneath is the one to pass on.
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof Error && cause.name === "DatabaseQueryError" ? cause : error;
  }
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
