import "server-only";
import os from "node:os";
import path from "node:path";
import type { SQL } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "@/db/pg/schema";
import { toSafeDatabaseError } from "./errors";

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/** Where the committed PostgreSQL migrations live (shipped with the build). */
export const PG_MIGRATIONS = path.join(process.cwd(), "db", "pg", "migrations");

// `bigint` (times in milliseconds, counts) as numbers, not strings: every
// value this app keeps in one is far below 2^53. Drizzle's queries read the
// parsers from this registry too.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * A connection string with a user name: `postgres://127.0.0.1/newsroom`
 * connects as PGUSER, or as the account the process runs under (what psql
 * does), even where no USER variable is set.
 */
export function pgConnectionString(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = process.env.PGUSER || os.userInfo().username;
  return parsed.toString();
}

/**
 * How this process names its connections (`application_name`, at most 63
 * bytes): the instance's host and process id, so an operator (and /admin)
 * can tell which instances are connected.
 */
export function instanceName(role = "newsroom"): string {
  return `${role} ${os.hostname()}:${process.pid}`.slice(0, 63);
}

export type PoolOptions = {
  /** Connections this process keeps at most (`DATABASE_POOL_SIZE`). */
  max?: number;
  /** A statement running longer is cancelled by the server (`DATABASE_STATEMENT_TIMEOUT_MS`). */
  statementTimeoutMs?: number;
  /** Waiting this long for a connection (the server down, the pool busy) fails the request. */
  connectTimeoutMs?: number;
  applicationName?: string;
};

/**
 * A pool of connections to `url`. Each connection gets a statement timeout
 * and a limit on idling inside a transaction, so a stuck query or a
 * forgotten transaction cannot hold rows for long. A connection the server
 * drops (a restart) is discarded by the pool, which opens a new one on the
 * next request: the app reconnects by itself.
 */
export function openPostgres(url: string, options: PoolOptions = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: pgConnectionString(url),
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: options.applicationName ?? instanceName(),
  });
  // An idle connection the server closed (a restart, an admin's kill) must
  // not crash the process: the pool drops it and the next query gets a new one.
  pool.on("error", (error) => {
    console.warn(`[db] a PostgreSQL connection was lost (${(error as Error).message}); the pool replaces it`);
  });
  const db = drizzle({ client: pool, schema }) as PgDb;
  translateErrors(db);
  return db;
}

type PreparedLike = Record<"execute" | "all", (...args: unknown[]) => Promise<unknown>>;
type SessionLike = {
  prepareQuery: (...args: unknown[]) => PreparedLike;
  transaction: (work: (tx: { session: SessionLike }) => Promise<unknown>, config?: unknown) => Promise<unknown>;
};

const TRANSLATING = Symbol.for("newsroom.pg-safe-errors");

/**
 * Drizzle's error for a failed query says "Failed query: … params: …", with
 * every parameter value (an email, an IP, a comment's text), and keeps the
 * driver's error (whose `detail` quotes the key or the row) as its cause.
 * Every query of this connection, and of each transaction opened on it (a
 * transaction gets a session of its own, on its pooled client), fails
 * instead with a `DatabaseQueryError`: the statement and the SQLSTATE,
 * never the values (decision 018). Errors that are not a query's (the
 * caller's own, thrown inside a transaction) go through unchanged.
 */
function translateErrors(db: PgDb | { session: SessionLike }): void {
  const session = (db as unknown as { session: SessionLike & { [TRANSLATING]?: true } }).session;
  if (session[TRANSLATING]) return;
  session[TRANSLATING] = true;
  const prepareQuery = session.prepareQuery.bind(session);
  session.prepareQuery = (...args: unknown[]) => {
    const query = prepareQuery(...args);
    for (const method of ["execute", "all"] as const) {
      const original = query[method].bind(query);
      query[method] = async (...params: unknown[]) => {
        try {
          return await original(...params);
        } catch (error) {
          throw toSafeDatabaseError(error);
        }
      };
    }
    return query;
  };
  const transaction = session.transaction.bind(session);
  session.transaction = async (work, config) => {
    try {
      return await transaction((tx) => {
        translateErrors(tx);
        return work(tx);
      }, config);
    } catch (error) {
      // A failed BEGIN runs before `work` is given the transaction's session.
      throw toSafeDatabaseError(error);
    }
  };
}

/** Arbitrary key for the advisory lock that lets one instance migrate at a time. */
const MIGRATION_LOCK = 7_212_345_001;

/**
 * Applies every committed migration not yet applied. Several instances may
 * start at once: a session-level advisory lock lets one migrate while the
 * others wait, then find nothing left to do.
 */
export async function migratePostgres(db: PgDb): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(db, { migrationsFolder: PG_MIGRATIONS });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

const MAX_ATTEMPTS = 10;

/** SQLSTATEs after which a transaction can simply be tried again. */
const RETRYABLE = new Set(["40001" /* serialization_failure */, "40P01" /* deadlock_detected */]);

/**
 * Runs `work` in a transaction on one pooled connection. `serializable`
 * transactions are retried (up to 10 attempts, with a growing random pause)
 * when PostgreSQL aborts them for a conflicting concurrent one, so callers see
 * the same all-or-nothing, one-at-a-time outcome SQLite's single writer gives.
 * (A row everyone updates at once is better locked: `for update`.)
 */
export async function pgTransaction<T>(
  db: PgDb,
  work: (tx: PgDb) => Promise<T>,
  { serializable = false }: { serializable?: boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => work(tx as unknown as PgDb), {
        isolationLevel: serializable ? "serializable" : "read committed",
      });
    } catch (error) {
      const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      const ceiling = Math.min(2 ** attempt * 5, 250);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

export async function pgRows<T>(db: PgDb, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return result.rows as T[];
}

export async function pgExecute(db: PgDb, query: SQL): Promise<number> {
  const result = await db.execute(query);
  return result.rowCount ?? 0;
}

export async function closePostgres(db: PgDb): Promise<void> {
  await db.$client.end();
}


