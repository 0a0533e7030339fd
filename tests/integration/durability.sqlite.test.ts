/** SQLite durability and connection settings: what every connection to the file runs with (decision 010). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb, openDatabase } from "@/lib/db";
import type { SqliteDb } from "@/lib/db/sqlite";
import { EnvError, parseEnv } from "@/lib/env";
import { TMP_DIR } from "../support/paths";

// SQLite's PRAGMAs on the file's connections (the SQLite pass only);
// PostgreSQL's durability is the server's own setting (synchronous_commit,
// fsync), not the app's.
describe("SQLITE_SYNCHRONOUS", () => {
  it("defaults to NORMAL (survives process crashes) and FULL survives power loss", () => {
    expect(parseEnv({}).SQLITE_SYNCHRONOUS).toBe("normal");
    expect(parseEnv({ SQLITE_SYNCHRONOUS: "FULL" }).SQLITE_SYNCHRONOUS).toBe("full");
    const normal = openDatabase(path.join(TMP_DIR, `sync-normal-${process.pid}.db`)) as unknown as SqliteDb;
    const full = openDatabase(path.join(TMP_DIR, `sync-full-${process.pid}.db`), { synchronous: "full" }) as unknown as SqliteDb;
    // SQLite's codes: 1 = NORMAL, 2 = FULL.
    expect(normal.$client.pragma("synchronous", { simple: true })).toBe(1);
    expect(full.$client.pragma("synchronous", { simple: true })).toBe(2);
    expect(full.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    normal.$client.close();
    full.$client.close();
  });

  it("refuses another value, naming the variable", () => {
    expect(() => parseEnv({ SQLITE_SYNCHRONOUS: "off" })).toThrow(EnvError);
    expect(() => parseEnv({ SQLITE_SYNCHRONOUS: "off" })).toThrow(/SQLITE_SYNCHRONOUS: must be normal or full/);
  });
});

describe("every SQLite connection", () => {
  it("runs with WAL, foreign keys and a busy timeout", () => {
    const sqlite = (getDb() as unknown as SqliteDb).$client;
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
  });
});
