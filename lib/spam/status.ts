import "server-only";
import { eq } from "drizzle-orm";
import { settings as settingsTable } from "@/db/schema";
import { getDb } from "@/lib/db";

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

export function getAkismetStatus(): AkismetStatus {
  const row = getDb().select().from(settingsTable).where(eq(settingsTable.key, KEY)).get();
  return { ...EMPTY, ...((row?.value as Partial<AkismetStatus> | undefined) ?? {}) };
}

export function updateAkismetStatus(change: Partial<AkismetStatus>): void {
  const value = { ...getAkismetStatus(), ...change };
  getDb()
    .insert(settingsTable)
    .values({ key: KEY, value, updatedAt: new Date() })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value, updatedAt: new Date() } })
    .run();
}

/** Whether retries are paused (a bad key) at this time. */
export function retriesPaused(now: Date): boolean {
  const until = getAkismetStatus().pausedUntil;
  return until !== null && new Date(until) > now;
}
