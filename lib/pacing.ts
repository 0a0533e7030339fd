import { performance } from "node:perf_hooks";

/**
 * Pacing for long work in a request-serving process (jobs, imports, bulk
 * moderation): give requests in progress their turns between batches.
 */

/** Gives the event loop a turn (between batches, so other requests are answered). */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Rests after a slice of background work as long as the slice took (1 to
 * 50 ms), so the job keeps the event loop busy at most half of the time and
 * requests in progress get many turns between two slices, not one.
 */
export function restAfterSlice(sliceStartedAt: number): Promise<void> {
  const took = performance.now() - sliceStartedAt;
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, Math.ceil(took)))));
}
