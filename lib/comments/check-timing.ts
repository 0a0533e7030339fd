import "server-only";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * How long an Akismet check takes here, so that a path which must not ask
 * Akismet can still take as long as one that does.
 *
 * An author edits a held comment and a spam one alike (a spammer must not
 * tell the two apart): the held one's edit is checked with Akismet again,
 * the spam one's is not (it stays spam, never re-checked). Answered at once,
 * the spam edit would say what it is by its speed; instead it waits as long
 * as a recent check (the call and storing its verdict) took in this process,
 * picked at random among the last few, so the two take time drawn from the
 * same spread.
 */

const KEPT = 16;
const recent: number[] = [];

/** Notes how long one check (Akismet's answer and storing it) took, in ms. */
export function noteCheckDuration(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  recent.push(ms);
  if (recent.length > KEPT) recent.shift();
}

/**
 * Waits about as long as a check takes: one of the recent durations, at
 * random; before any was noted, `fallbackMs` (the comment's own last check).
 */
export async function waitAsLongAsACheck(fallbackMs: number, { maxMs }: { maxMs: number }): Promise<void> {
  const ms = recent.length > 0 ? recent[Math.floor(Math.random() * recent.length)]! : fallbackMs;
  const wait = Math.min(Math.max(0, ms), maxMs);
  if (wait > 0) await sleep(wait);
}

/** For tests: forget the durations noted so far. */
export function forgetCheckDurations(): void {
  recent.length = 0;
}
