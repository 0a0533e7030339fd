/**
 * A failed query must not put personal data in the logs (decision 018): on
 * PostgreSQL drizzle's error says "Failed query: … params: …" with every
 * value, and the driver's error (its cause) quotes the key or the row. What
 * the data layer lets out carries the statement and the error code
 * (SQLSTATE, SQLite's code), never the values, in its message, its stack,
 * its properties and its cause chain, and what callers rely on still works
 * (unique-violation detection, "unavailable" for a timeout). Runs in both
 * passes: PostgreSQL, and the SQLite check.
 */
import util from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { comments, users } from "@/db/schema";
import { keepCommentOnFailure } from "@/lib/comments/form-recovery";
import { formValues } from "@/lib/comments/validation";
import { closeDatabase, execute, getDb, openDatabase, rows, sql, storeOf, transaction } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { createArticle, createUser } from "../support/factories";

const EMAIL = "wendy.witness@example.org";
const IP = "198.51.100.213";
const TEXT = "My neighbour at 12 Quay Street keeps bees";
const SECRETS = [EMAIL, IP, TEXT, "wendy witness", "quay street"];

const isPg = () => storeOf(getDb()) === "postgres";

/** Everything a log line could show of an error: message, stack, own properties (hidden ones too), the cause chain, JSON. */
function everythingAbout(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String(e), String((e as Error).stack ?? ""), util.inspect(e, { depth: 8, showHidden: true }));
    try {
      parts.push(JSON.stringify(e));
    } catch {
      // circular: inspect above has it
    }
  }
  return parts.join("\n").toLowerCase();
}

function expectNoPersonalData(text: string): void {
  for (const secret of SECRETS) expect(text, `"${secret}" in:\n${text}`).not.toContain(secret.toLowerCase());
}

async function failureOf(work: () => PromiseLike<unknown>): Promise<Error & { code?: string; query?: string }> {
  try {
    await work();
  } catch (error) {
    return error as Error & { code?: string; query?: string };
  }
  throw new Error("the query did not fail");
}

/** A comment insert carrying the email, IP and text, pointing at an article that does not exist. */
const orphanComment = () =>
  getDb()
    .insert(comments)
    .values({ articleId: 987_654_321, authorName: "Wendy Witness", authorEmail: EMAIL, ip: IP, content: TEXT, status: "approved" });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a failed query's error", () => {
  it("a foreign-key violation: the statement and the code, not the email, IP or text", async () => {
    const error = await failureOf(orphanComment);
    expectNoPersonalData(everythingAbout(error));
    expect(error.code).toBe(isPg() ? "23503" : "SQLITE_CONSTRAINT_FOREIGNKEY");
    expect(error.message).toContain(`[${error.code}]`);
    expect(error.message).toMatch(/insert into "comments"/);
    expect(error.query).toMatch(/^insert into "comments"/);
  });

  it("a unique violation: still recognised as one, without the key's value", async () => {
    await createUser({ email: EMAIL, name: "Wendy Witness" });
    const error = await failureOf(() => getDb().insert(users).values({ email: EMAIL.toUpperCase(), name: "Wendy Witness" }));
    expectNoPersonalData(everythingAbout(error));
    expect(isUniqueViolation(error)).toBe(true);
    expect(error.code).toBe(isPg() ? "23505" : "SQLITE_CONSTRAINT_UNIQUE");
    expect(error.message).toMatch(/insert into "users"/);
    if (isPg()) expect(error.message).toContain("users_email_unique");
  });

  it("inside a transaction, and through raw SQL, the same", async () => {
    const article = await createArticle();
    const error = await failureOf(() =>
      transaction(getDb(), async (tx) => {
        await execute(tx, sql`insert into comments (article_id, author_name, author_email, ip, content, status)
                              values (${article.id}, ${"Wendy Witness"}, ${EMAIL}, ${IP}, ${TEXT}, ${"nonsense"})`);
      }),
    );
    expectNoPersonalData(everythingAbout(error));
    expect(error.code).toBe(isPg() ? "23514" : "SQLITE_CONSTRAINT_CHECK");
    expect(error.message).toMatch(/insert into comments/);
  });

  it("when the database quotes the value it refused (PostgreSQL), the quote is blanked", async () => {
    if (!isPg()) return; // SQLite's messages never quote a value
    const error = await failureOf(() => rows(getDb(), sql`select ${EMAIL}::int as n, ${IP}::inet as ip`));
    expectNoPersonalData(everythingAbout(error));
    expect(error.code).toBe("22P02");
    expect(error.message).toContain("invalid input syntax for type integer");
  });

  it("a NUL byte in the text (PostgreSQL refuses it): no text, no address", async () => {
    if (!isPg()) return; // SQLite stores it
    const article = await createArticle();
    const error = await failureOf(() =>
      getDb().insert(comments).values({ articleId: article.id, authorName: "Wendy Witness", authorEmail: EMAIL, ip: IP, content: `${TEXT}\u0000` }),
    );
    expectNoPersonalData(everythingAbout(error));
    expect(error.code).toBe("22021");
  });

  it("a statement cancelled by the timeout (PostgreSQL): unavailable, with its SQLSTATE, without the values", async () => {
    if (!isPg()) return;
    const db = openDatabase(process.env.DATABASE_URL!, { statementTimeoutMs: 200 });
    try {
      const error = await failureOf(() => rows(db, sql`select pg_sleep(3), ${EMAIL} as email, ${IP} as ip, ${TEXT} as text`));
      expectNoPersonalData(everythingAbout(error));
      expect(error.code).toBe("57014");
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(error.message).toContain("select pg_sleep(3)");
    } finally {
      await closeDatabase(db);
    }
  });

  it("what the app logs of it (the comment form's failure log, a job's console.error) holds no personal data", async () => {
    const printed: string[] = [];
    const capture = (...args: unknown[]) => void printed.push(util.formatWithOptions({ depth: 8 }, ...args));
    vi.spyOn(console, "error").mockImplementation(capture);
    vi.spyOn(console, "warn").mockImplementation(capture);
    // The comment form's boundary logs the failure with console.error (lib/comments/form-recovery.ts).
    const raw = { content: TEXT, name: "Wendy Witness", email: EMAIL, url: "", parentId: "" };
    const state = await keepCommentOnFailure(async () => {
      await orphanComment();
      return { message: null, fieldErrors: {}, values: null };
    }, formValues(raw));
    expect(state.message).toBeTruthy();
    // As the jobs log theirs.
    console.error("[mail] job failed:", await failureOf(orphanComment));
    const output = printed.join("\n").toLowerCase();
    // Both failures were logged (whatever else the process printed meanwhile, none of it may hold the values either).
    expect(printed.filter((line) => line.toLowerCase().includes('insert into "comments"'))).toHaveLength(2);
    expectNoPersonalData(output);
    expect(output).toContain('insert into "comments"');
    expect(output).toContain(isPg() ? "[23503]" : "[sqlite_constraint_foreignkey]");
  });
});
