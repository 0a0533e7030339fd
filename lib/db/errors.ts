import "server-only";

/**
 * Whether an error means the database cannot be reached or answer right now
 * (as opposed to a bug or a rule the data broke): the server restarting or
 * shutting down, a connection refused, reset or timed out, a statement
 * cancelled by the statement timeout, the pool unable to hand out a
 * connection in time, SQLite's file locked beyond the busy timeout. Requests
 * that meet one answer 503 and keep nothing half done (their transaction
 * rolled back); the pool reconnects by itself.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down)
  "57014", // query_canceled (statement_timeout)
  "53300", // too_many_connections
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
  "08P01", // protocol_violation (a connection cut mid-message)
]);

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "SQLITE_BUSY"]);

const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_CODES.has(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** Thrown where a caller should answer 503 (Retry-After) rather than 500. */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super("The database is unavailable right now", { cause });
    this.name = "DatabaseUnavailable";
  }
}

/**
 * A failed query, as the data layer lets it out (decision 018): the
 * statement, the error code (PostgreSQL's SQLSTATE, SQLite's code, or a
 * connection's errno code) and the driver's message, never the parameter
 * values. Drizzle's own error ("Failed query: … params: …") and the
 * driver's (PostgreSQL's `detail` "Key (email)=(…) already exists", its
 * `where` "unnamed portal parameter $1 = '…'") carry the values: an email
 * address, an IP address, a comment's text. Whatever logs an error (a job's
 * console.error, a route, Next's own logging of a thrown error) would print
 * them, so this error replaces them and keeps no cause. The schema names
 * PostgreSQL gives (constraint, table, column) are kept: they are not data.
 */
export class DatabaseQueryError extends Error {
  /** SQLSTATE (e.g. "23505"), SQLite's code (e.g. "SQLITE_CONSTRAINT_UNIQUE"), or a connection error's code. */
  readonly code: string | undefined;
  /** The statement, with its `$1` / `?` placeholders (never the values). */
  readonly query: string;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;

  constructor(input: { query: string; code?: string; driverMessage: string; constraint?: string; table?: string; column?: string }) {
    super(`${input.driverMessage || "The query failed"}${input.code ? ` [${input.code}]` : ""}\n  query: ${input.query}`);
    this.name = "DatabaseQueryError";
    this.code = input.code;
    this.query = input.query;
    this.constraint = input.constraint;
    this.table = input.table;
    this.column = input.column;
  }
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Every parameter as the text a message could echo (arrays spread, objects as JSON, dates both ways). */
function paramTexts(params: readonly unknown[]): string[] {
  const out: string[] = [];
  const add = (value: unknown, depth: number): void => {
    if (value === null || value === undefined || typeof value === "boolean") return;
    if (Array.isArray(value) && depth < 3) {
      for (const v of value) add(v, depth + 1);
      out.push(JSON.stringify(value));
    } else if (value instanceof Date) {
      if (!Number.isNaN(value.getTime())) out.push(value.toISOString(), String(value.getTime()));
    } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      out.push(Buffer.from(value).toString("utf8"));
    } else if (typeof value === "object") {
      try {
        out.push(JSON.stringify(value));
      } catch {
        // nothing a message could echo
      }
    } else {
      out.push(String(value));
    }
  };
  for (const p of params) add(p, 0);
  return [...new Set(out.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
}

/**
 * The driver's message without any parameter value it echoes: PostgreSQL
 * quotes a value it refuses (`invalid input syntax for type integer: "…"`,
 * `value "…" is out of range`), and a trigger's message may quote anything.
 * A quoted part that is, holds or is held in a parameter goes, and so does
 * any longer parameter value found elsewhere.
 */
export function redactParams(message: string, params: readonly unknown[]): string {
  const values = paramTexts(params);
  if (values.length === 0) return message;
  let out = message.replace(/"((?:[^"]|"")*)"/g, (quoted, inner: string) =>
    values.some((v) => inner === v || (v.length >= 3 && inner.includes(v)) || (inner.length >= 3 && v.includes(inner))) ? `"…"` : quoted,
  );
  for (const v of values) if (v.length >= 4) out = out.split(v).join("…");
  return out;
}

type DriverError = { message?: unknown; code?: unknown; constraint?: unknown; table?: unknown; column?: unknown };

/**
 * What a failed query becomes before it leaves the data layer: drizzle's
 * "Failed query" error (on PostgreSQL) or the driver's own (SQLite, where
 * `statement` and `params` say which query it was) as a
 * `DatabaseQueryError`. Anything else (the caller's own errors thrown inside
 * a transaction, a rollback) goes through unchanged.
 */
export function toSafeDatabaseError(error: unknown, query?: { statement: string; params: readonly unknown[] }): unknown {
  // By name, not class: Next bundles this module into several chunks, each with its own class.
  if (!(error instanceof Error) || error.name === "DatabaseQueryError") return error;
  const e = error as Error & { query?: unknown; params?: unknown; cause?: unknown; code?: unknown };
  // Drizzle's DrizzleQueryError (matched by shape: Next may bundle drizzle more than once).
  if (typeof e.query === "string" && Array.isArray(e.params) && e.message.startsWith("Failed query:")) {
    const driver = (e.cause instanceof Error ? e.cause : {}) as DriverError;
    return withCallerStack(translated(e.query, e.params, driver));
  }
  // The driver's error for a statement this layer knows (SQLite's, thrown synchronously).
  if (query && (typeof e.code === "string" || e.name === "SqliteError")) return withCallerStack(translated(query.statement, query.params, e));
  return error;
}

/** The stack starts where the query was run, not in this translation. */
function withCallerStack(error: DatabaseQueryError): DatabaseQueryError {
  Error.captureStackTrace?.(error, toSafeDatabaseError);
  return error;
}

/** A new error: the original's stack starts with the message that held the values. */
function translated(statement: string, params: readonly unknown[], driver: DriverError): DatabaseQueryError {
  return new DatabaseQueryError({
    query: statement,
    code: text(driver.code),
    driverMessage: redactParams(text(driver.message) ?? "", params),
    constraint: text(driver.constraint),
    table: text(driver.table),
    column: text(driver.column),
  });
}
