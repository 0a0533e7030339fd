import "server-only";
import { eq, sql } from "drizzle-orm";
import { settings as settingsTable } from "@/db/schema";
import { getDb } from "@/lib/db";
import { jsonMerge } from "@/lib/db/dialect";

/** What the Akismet status panel shows: kept in the settings table. */
export type AkismetStatus = {
  lastError: string | null;
  lastErrorAt: string | null;
  debugHelp: string | null;
  alert: string | null;
  /** After an `invalid` key, retries pause until this time (like WordPress: 6 hours). */
  pausedUntil: string | null;
  lastSuccessAt: string | null;
  /** The last verify-key answer and when it came. */
  keyValid: boolean | null;
  keyVerifiedAt: string | null;
};

const KEY = "akismet.status";
const EMPTY: AkismetStatus = {
  lastError: null,
  lastErrorAt: null,
  debugHelp: null,
  alert: null,
  pausedUntil: null,
  lastSuccessAt: null,
  keyValid: null,
  keyVerifiedAt: null,
};

export async function getAkismetStatus(): Promise<AkismetStatus> {
  const [row] = await getDb().select().from(settingsTable).where(eq(settingsTable.key, KEY));
  return { ...EMPTY, ...((row?.value as Partial<AkismetStatus> | undefined) ?? {}) };
}

/**
 * Changes some fields of the status, keeping the others: one statement
 * (the stored object merged with the change in SQL), so two changes at once
 * (two failing Akismet calls) never undo each other.
 */
export async function updateAkismetStatus(change: Partial<AkismetStatus>): Promise<void> {
  const db = getDb();
  const value = { ...change };
  await db
    .insert(settingsTable)
    .values({ key: KEY, value, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: settingsTable.key,
      set: { value: jsonMerge(db, settingsTable.value, sql.raw("excluded.value")), updatedAt: new Date() },
    });
}

/** Whether retries are paused (a bad key) at this time. */
export async function retriesPaused(now: Date): Promise<boolean> {
  const until = (await getAkismetStatus()).pausedUntil;
  return until !== null && new Date(until) > now;
}
