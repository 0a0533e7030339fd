import "server-only";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { storeOf, type Db } from "./index";

/**
 * The few pieces of SQL that differ between SQLite and PostgreSQL, so that
 * domain code writes one query for both (decision 014). Everything else
 * (`||`, `coalesce`, `count`, `lower`, `true`/`false`, quoted "camelCase"
 * aliases, integer milliseconds) is the same on both.
 */

/**
 * SQLite's planner hint naming the index a query must use (it errors if the
 * index cannot serve it, which the query-plan tests rely on). PostgreSQL has
 * no hints: its plans are checked with EXPLAIN in tests instead.
 */
export function indexedBy(db: Db, index: string): SQL {
  if (!/^[a-z_]+$/.test(index)) throw new Error(`bad index name ${index}`);
  return storeOf(db) === "sqlite" ? sql.raw(`indexed by ${index}`) : sql.empty();
}

/** The text of a key in a JSON column (`json_extract` / `->>`). */
export function jsonText(db: Db, column: SQLWrapper, key: string): SQL {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`bad JSON key ${key}`);
  return storeOf(db) === "sqlite" ? sql`json_extract(${column}, ${`$.${key}`})` : sql`(${column} ->> ${key})`;
}

/** `column IN (ids)` for a list of any length, as one parameter. */
export function inIds(db: Db, column: SQLWrapper, ids: readonly number[]): SQL {
  return storeOf(db) === "sqlite"
    ? sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`
    : sql`${column} = any(${sql.param([...ids])}::int[])`;
}

/** Case-insensitive `LIKE` (SQLite's LIKE already is, for ASCII). */
export function ilike(db: Db, value: SQLWrapper, pattern: string): SQL {
  return storeOf(db) === "sqlite" ? sql`${value} like ${pattern} escape '\\'` : sql`${value} ilike ${pattern} escape '\\'`;
}

/**
 * Locks the rows a claiming `select` (inside an `update … where id in (…)`)
 * picks, skipping rows another runner holds: PostgreSQL's
 * `FOR UPDATE SKIP LOCKED`. SQLite has one writer at a time, so the claim's
 * own write is the lock; its leases guard the time after it (decision 012).
 */
export function skipLocked(db: Db): SQL {
  return storeOf(db) === "postgres" ? sql.raw("for update skip locked") : sql.empty();
}

/**
 * A JSON object with `patch`'s keys set over `target`'s, in SQL (for an
 * upsert that changes some keys of a stored object in one statement).
 * SQLite's `json_patch` drops a key whose new value is null, where
 * PostgreSQL's `||` keeps it as null: read the result over defaults.
 */
export function jsonMerge(db: Db, target: SQLWrapper, patch: SQLWrapper): SQL {
  return storeOf(db) === "sqlite" ? sql`json_patch(${target}, ${patch})` : sql`(${target} || ${patch})`;
}

/**
 * Makes transactions that name a common key take turns until they end, for
 * a rule that reads before it writes (no two posts from one address within
 * the flood window): PostgreSQL transaction-level advisory locks on hashes
 * of the keys, taken in one order so two holders never deadlock; the caller
 * runs it first in a READ COMMITTED transaction, so every later statement
 * sees what the previous holder committed. Null on SQLite, whose transaction
 * already excludes every other writer.
 */
export function transactionLocks(db: Db, keys: readonly string[]): SQL | null {
  if (storeOf(db) === "sqlite" || keys.length === 0) return null;
  return sql`select count(pg_advisory_xact_lock(k)) as n
             from (select distinct hashtextextended(key, 0) as k from unnest(${sql.param([...keys])}::text[]) as key order by 1) as keys`;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (with `escape '\'`). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A boolean read by raw SQL: SQLite answers 0/1, PostgreSQL true/false. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}

/**
 * Whether a failed query broke a unique index (a concurrent writer took the
 * same key first): PostgreSQL's SQLSTATE 23505, SQLite's
 * SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY. Drizzle wraps the driver's error
 * (as `cause`), so the chain is followed.
 */
export function isUniqueViolation(error: unknown): boolean {
  let e = error as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * Locks the rows a `select` reads inside a transaction until it ends
 * (PostgreSQL's `FOR UPDATE`), for a read-then-write whose check must still
 * hold when the write lands: a concurrent writer of those rows waits. SQLite
 * needs nothing: its transaction already excludes every other writer.
 */
export function forUpdate(db: Db): SQL {
  return storeOf(db) === "postgres" ? sql.raw("for update") : sql.empty();
}

/**
 * `FOR SHARE` on PostgreSQL (nothing on SQLite, whose transaction is the only
 * writer): the row read stays as read until the transaction ends; a
 * concurrent update or delete of it waits. For a row the transaction relies
 * on without changing it (the comment a reply is attached to).
 */
export function forShare(db: Db): SQL {
  return storeOf(db) === "postgres" ? sql.raw("for share") : sql.empty();
}

/**
 * `jsonText`, but null rather than an error where SQLite's text column holds
 * malformed JSON (`json_valid`); PostgreSQL's jsonb is always valid.
 */
export function jsonTextIfValid(db: Db, column: SQLWrapper, key: string): SQL {
  return storeOf(db) === "sqlite" ? sql`(case when json_valid(${column}) then ${jsonText(db, column, key)} end)` : jsonText(db, column, key);
}

/**
 * The moderation search (3+ characters): the ids of comments whose text,
 * author name or author email contains `term`, case-insensitively, as a
 * subquery for `id in (…)`. SQLite: a phrase query on the FTS5 trigram table
 * `comments_search` (migration 0005; quotes in the term are literal).
 * PostgreSQL: `ilike` on the expression of the pg_trgm GIN index
 * `comments_search_trgm_idx` (text, name and email joined by spaces), then
 * the same test per column, so a term spanning two fields matches on neither
 * store. Shorter terms have no trigram: callers use `ilike` on the columns.
 */
export function commentSearch(db: Db, term: string): SQL {
  if (storeOf(db) === "sqlite") {
    return sql`select rowid from comments_search where comments_search match ${`"${term.replace(/"/g, '""')}"`}`;
  }
  const pattern = `%${likeEscape(term)}%`;
  return sql`select id from comments
    where (content || ' ' || author_name || ' ' || author_email) ilike ${pattern} escape '\\'
      and (content ilike ${pattern} escape '\\' or author_name ilike ${pattern} escape '\\' or author_email ilike ${pattern} escape '\\')`;
}

/** A JSON value read by raw SQL: SQLite answers the text, PostgreSQL (jsonb) the value. */
export function jsonValue<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
