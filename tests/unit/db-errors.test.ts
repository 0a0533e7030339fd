import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/errors";

/** An error the way drizzle hands it over: its own message, the driver's error as the cause. */
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: insert into comments ..."), { cause });

describe("isDatabaseUnavailable", () => {
  it("recognises a server restarting, refusing or cutting connections, and timeouts", () => {
    for (const error of [
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      Object.assign(new Error("the database system is starting up"), { code: "57P03" }),
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
      expect(isDatabaseUnavailable(wrapped(error)), `wrapped: ${error.message}`).toBe(true);
    }
  });

  it("leaves bugs and broken rules alone (they are 500s or answered by the code)", () => {
    for (const error of [
      Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), { code: "23505" }),
      Object.assign(new Error("syntax error at or near"), { code: "42601" }),
      Object.assign(new Error("UNIQUE constraint failed: users.email"), { code: "SQLITE_CONSTRAINT_UNIQUE" }),
      new TypeError("Cannot read properties of undefined"),
      "a string",
      null,
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(isDatabaseUnavailable(wrapped(error))).toBe(false);
    }
  });
});
