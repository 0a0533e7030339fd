import "server-only";
import { settings as settingsTable } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";
import { DEFAULT_SETTINGS, settingsSchema, type SettingKey, type Settings } from "./schema";

export { DEFAULT_SETTINGS, type SettingKey, type Settings } from "./schema";

const cache = new WeakMap<Db, { dataVersion: number; settings: Settings }>();

/**
 * All settings: stored values over the defaults (an invalid stored value is
 * ignored). Read once and kept until this process changes them or another
 * connection writes to the database (SQLite's data_version tells).
 */
export function getSettings(): Settings {
  const db = getDb();
  const dataVersion = db.$client.pragma("data_version", { simple: true }) as number;
  const hit = cache.get(db);
  if (hit && hit.dataVersion === dataVersion) return hit.settings;
  const settings = readSettings(db);
  cache.set(db, { dataVersion, settings });
  return settings;
}

function readSettings(db: Db): Settings {
  const rows = db.select().from(settingsTable).all();
  const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const shape = settingsSchema.shape;
  for (const row of rows) {
    if (!(row.key in shape)) continue;
    const parsed = shape[row.key as SettingKey].safeParse(row.value);
    if (parsed.success) result[row.key] = parsed.data;
  }
  return result as Settings;
}

/** Stores settings after validating them; answers the errors by key otherwise. */
export function updateSettings(
  values: Partial<Settings>,
): { ok: true } | { ok: false; errors: Partial<Record<SettingKey, string>> } {
  const parsed = settingsSchema.partial().safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<SettingKey, string>> = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as SettingKey] = issue.message;
    return { ok: false, errors };
  }
  const db = getDb();
  cache.delete(db);
  db.transaction((tx) => {
    // Only the keys given: zod fills a partial object's missing keys with
    // their defaults, which must not overwrite the stored values.
    for (const key of Object.keys(values)) {
      const value = (parsed.data as Record<string, unknown>)[key];
      if (value === undefined) continue;
      tx.insert(settingsTable)
        .values({ key, value, updatedAt: new Date() })
        .onConflictDoUpdate({ target: settingsTable.key, set: { value, updatedAt: new Date() } })
        .run();
    }
  });
  return { ok: true };
}
