import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getServerSecret, secretFilePath } from "@/lib/auth/secret";
import { migrateDatabase, openDatabase, type Db } from "@/lib/db";
import type { SqliteDb } from "@/lib/db/sqlite";
import { TMP_DIR } from "../support/paths";

const root = path.join(TMP_DIR, `files-${crypto.randomUUID()}`);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
/** The better-sqlite3 handle of a SQLite connection. */
const sqliteClient = (db: Db) => (db as unknown as SqliteDb).$client;

// The SQLite file, its -wal and -shm files and its folder (the SQLite pass
// only: a PostgreSQL server keeps its own files, its data directory is the
// server's to protect).
describe("database files are readable by their owner only", () => {
  it("creates the data folder 0700 and the database, WAL and SHM files 0600", async () => {
    const file = path.join(root, "fresh", "data", "app.db");
    const db = openDatabase(file);
    await migrateDatabase(db);
    sqliteClient(db).prepare("insert into settings (key, value) values ('threadDepth', '3')").run();
    try {
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
      expect(fs.existsSync(`${file}-shm`)).toBe(true);
      expect({ folder: mode(path.dirname(file)), db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`) }).toEqual({
        folder: "700",
        db: "600",
        wal: "600",
        shm: "600",
      });
    } finally {
      sqliteClient(db).close();
    }
  });

  it("tightens files and a folder left readable by an older version", async () => {
    const folder = path.join(root, "older");
    const file = path.join(folder, "app.db");
    fs.mkdirSync(folder, { recursive: true });
    const first = openDatabase(file);
    await migrateDatabase(first);
    // Keep the WAL and SHM files (a clean close would remove them).
    const keep = openDatabase(file);
    sqliteClient(first).prepare("insert into settings (key, value) values ('threadDepth', '3')").run();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    fs.chmodSync(folder, 0o755);

    const again = openDatabase(file);
    try {
      expect([mode(folder), mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(["700", "600", "600", "600"]);
    } finally {
      for (const db of [again, keep, first]) sqliteClient(db).close();
    }
  });

});

// The secret generated into the data folder (DATABASE_PATH's) when NEXTAUTH_SECRET is not set.
describe("the signing secret", () => {
  it("keeps the generated signing secret 0600", () => {
    getServerSecret();
    expect(mode(secretFilePath())).toBe("600");
  });
});
