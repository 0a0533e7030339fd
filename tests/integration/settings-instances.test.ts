/**
 * Each instance keeps the settings in memory; a change made by another
 * instance (another connection to the same database) reaches it: SQLite's
 * data_version, or PostgreSQL's NOTIFY heard on the instance's LISTEN
 * connection (decision 014). Here the "other instance" is a second
 * connection of this process's own, writing as another process would.
 */
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import Database from "better-sqlite3";
import { getDb, storeOf } from "@/lib/db";
import { listenerFor } from "@/lib/db/listener";
import { getSettings, updateSettings } from "@/lib/settings";

const store = storeOf(getDb());

/** Writes a setting through a connection of its own, as another app instance would. */
async function writeElsewhere(key: string, value: unknown): Promise<void> {
  if (store === "postgres") {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(
      "insert into settings (key, value, updated_at) values ($1, $2::jsonb, 0) on conflict (key) do update set value = excluded.value",
      [key, JSON.stringify(value)],
    );
    await client.end();
  } else {
    const other = new Database(process.env.DATABASE_PATH!);
    other.pragma("busy_timeout = 5000");
    other
      .prepare("insert into settings (key, value, updated_at) values (?, ?, 0) on conflict (key) do update set value = excluded.value")
      .run(key, JSON.stringify(value));
    other.close();
  }
}

afterAll(async () => {
  await updateSettings({ linkLimit: 2 });
});

describe(`settings on several instances (${store})`, () => {
  it("a change written by another instance is seen here without a restart", async () => {
    expect((await getSettings()).linkLimit).toBe(2); // the default, now cached
    if (store === "postgres") {
      await expect.poll(() => listenerFor(getDb(), "newsroom_settings").connected(), { timeout: 5_000 }).toBe(true);
    }
    await writeElsewhere("linkLimit", 7);
    await expect.poll(async () => (await getSettings()).linkLimit, { timeout: 5_000, interval: 50 }).toBe(7);
    await writeElsewhere("linkLimit", 4);
    await expect.poll(async () => (await getSettings()).linkLimit, { timeout: 5_000, interval: 50 }).toBe(4);
  });

  it("is read from the database again, not from memory, while the change feed is down", async () => {
    if (store === "sqlite") {
      // SQLite's data_version is read on every call: there is no feed to lose.
      await writeElsewhere("linkLimit", 5);
      expect((await getSettings()).linkLimit).toBe(5);
      return;
    }
    const listener = listenerFor(getDb(), "newsroom_settings");
    await expect.poll(() => listener.connected(), { timeout: 5_000 }).toBe(true);
    await getSettings();
    // Cut the listener's connection from the server side, then change a setting.
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'newsroom-listener %' and datname = current_database()");
    await writeElsewhere("linkLimit", 9);
    await admin.end();
    await expect.poll(async () => (await getSettings()).linkLimit, { timeout: 5_000, interval: 50 }).toBe(9);
    // And the feed comes back by itself.
    await expect.poll(() => listener.connected(), { timeout: 10_000 }).toBe(true);
  });
});

describe("settings in every bundled copy of the module", () => {
  it("a change saved through one copy is read by another at once (the same connection: SQLite's data_version does not move)", async () => {
    const { vi } = await import("vitest");
    const jobs = await import("@/lib/settings");
    expect((await jobs.getSettings()).linkLimit).toBeGreaterThan(0); // cached in this copy
    vi.resetModules();
    const requests = await import("@/lib/settings");
    expect(requests.getSettings).not.toBe(jobs.getSettings);
    expect(await requests.updateSettings({ linkLimit: 11 })).toEqual({ ok: true });
    expect((await jobs.getSettings()).linkLimit).toBe(11);
  });
});
