import "server-only";
import { runRetention } from "./retention";

const HOUR_MS = 3_600_000;

const state = globalThis as typeof globalThis & { __newsroomRetentionTimer?: NodeJS.Timeout };

/**
 * Starts the retention job with the server: shortly after start-up, then
 * hourly, it deletes spam and trash past their retention (settings), in
 * batches, each run recorded in `job_runs`.
 */
export function startRetentionScheduler(): void {
  if (state.__newsroomRetentionTimer) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runRetention();
    } catch (error) {
      console.error("[retention] job failed:", error);
    } finally {
      running = false;
    }
  };
  state.__newsroomRetentionTimer = setInterval(tick, HOUR_MS);
  state.__newsroomRetentionTimer.unref();
  setTimeout(tick, 30_000).unref();
}
