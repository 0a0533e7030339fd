/** SQLite durability: the `synchronous` setting the site chose is the one every connection runs with (decision 010). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db";
import { EnvError, parseEnv } from "@/lib/env";
import { TMP_DIR } from "../support/paths";

describe("SQLITE_SYNCHRONOUS", () => {
  it("defaults to NORMAL (survives process crashes) and FULL survives power loss", () => {
    expect(parseEnv({}).SQLITE_SYNCHRONOUS).toBe("normal");
    expect(parseEnv({ SQLITE_SYNCHRONOUS: "FULL" }).SQLITE_SYNCHRONOUS).toBe("full");
    const normal = openDatabase(path.join(TMP_DIR, `sync-normal-${process.pid}.db`));
    const full = openDatabase(path.join(TMP_DIR, `sync-full-${process.pid}.db`), { synchronous: "full" });
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
