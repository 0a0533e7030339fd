import "server-only";
import { settings as settingsTable } from "@/db/schema";
import { getDb, storeOf, transaction, type Db } from "@/lib/db";
import { listenerFor } from "@/lib/db/listener";
import type { SqliteDb } from "@/lib/db/sqlite";
import { DEFAULT_SETTINGS, settingsSchema, type SettingKey, type Settings } from "./schema";

export { DEFAULT_SETTINGS, type SettingKey, type Settings } from "./schema";

/**
 * Process-wide: Next bundles this module into several chunks (the jobs
 * started at start-up, route handlers, rendering), and SQLite's data_version
 * does not move for writes made on this process's own connection, so a change
 * saved through one copy must empty the cache the others read.
 */
const cacheHolder = globalThis as typeof globalThis & { [key: symbol]: WeakMap<Db, { version: number; settings: Settings }> | undefined };
const cache = (cacheHolder[Symbol.for("newsroom.settings-cache")] ??= new WeakMap<Db, { version: number; settings: Settings }>());

/**
 * A number that changes whenever the settings may have been changed by
 * another process: SQLite's `data_version` (any write by another
 * connection), or on PostgreSQL the count of `newsroom_settings`
 * announcements this instance heard (a trigger sends one per change; see
 * lib/db/listener.ts). Null: no way to tell right now (the listener is
 * reconnecting), so nothing cached may be used.
 */
function changeVersion(db: Db): number | null {
  if (storeOf(db) === "sqlite") {
    return (db as unknown as SqliteDb).$client.pragma("data_version", { simple: true }) as number;
  }
  const listener = listenerFor(db, "newsroom_settings");
  return listener.connected() ? listener.version() : null;
}

/**
 * All settings: stored values over the defaults (an invalid stored value is
 * ignored). Read once and kept until they change, in this process or in
 * another (every instance hears of a change: `changeVersion`).
 */
export async function getSettings(): Promise<Settings> {
  const db = getDb();
  const version = changeVersion(db);
  const hit = cache.get(db);
  if (hit && version !== null && hit.version === version) return hit.settings;
  const settings = await readSettings(db);
  if (version !== null) cache.set(db, { version, settings });
  return settings;
}

async function readSettings(db: Db): Promise<Settings> {
  const rows = await db.select().from(settingsTable);
  const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const shape = settingsSchema.shape;
  for (const row of rows) {
    if (!(row.key in shape)) continue;
    const parsed = shape[row.key as SettingKey].safeParse(row.value);
    if (parsed.success) result[row.key] = parsed.data;
  }
  // The first-time rule before the trust rules: held until one approved comment.
  if (result.holdFirstTime === true && result.trustMinApproved === 0) result.trustMinApproved = 1;
  return result as Settings;
}

/** Stores settings after validating them; answers the errors by key otherwise. */
export async function updateSettings(
  values: Partial<Settings>,
): Promise<{ ok: true } | { ok: false; errors: Partial<Record<SettingKey, string>> }> {
  const parsed = settingsSchema.partial().safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<SettingKey, string>> = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as SettingKey] = issue.message;
    return { ok: false, errors };
  }
  const db = getDb();
  cache.delete(db);
  await transaction(db, async (tx) => {
    // Only the keys given: zod fills a partial object's missing keys with
    // their defaults, which must not overwrite the stored values.
    for (const key of Object.keys(values)) {
      const value = (parsed.data as Record<string, unknown>)[key];
      if (value === undefined) continue;
      await tx
        .insert(settingsTable)
        .values({ key, value, updatedAt: new Date() })
        .onConflictDoUpdate({ target: settingsTable.key, set: { value, updatedAt: new Date() } });
    }
  });
  cache.delete(db);
  return { ok: true };
}
