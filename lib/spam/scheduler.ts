import "server-only";
import { processOutbox } from "@/lib/moderation/outbox";
import { recheckComments } from "./recheck";

const INTERVAL_MS = 60_000;

const state = globalThis as typeof globalThis & { __newsroomRecheckTimer?: NodeJS.Timeout };

/**
 * Starts the in-process Akismet jobs with the server: every minute it
 * re-checks the comments whose retry time has come and sends the moderators'
 * queued reports (submit-spam / submit-ham) that are due; most minutes it
 * finds nothing to do.
 */
export function startRecheckScheduler(): void {
  if (state.__newsroomRecheckTimer) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const s = await recheckComments();
      if (s.checked > 0 || s.gaveUp > 0) {
        console.log(
          `[akismet] re-checked ${s.checked}: ${s.approved} approved, ${s.spam} spam, ${s.held} held, ${s.failed} failed; gave up on ${s.gaveUp}`,
        );
      }
    } catch (error) {
      console.error("[akismet] re-check job failed:", error);
    }
    try {
      const o = await processOutbox();
      if (o.sent + o.failed + o.gaveUp > 0) {
        console.log(`[akismet] feedback: ${o.sent} sent, ${o.failed} failed (will retry), ${o.gaveUp} given up`);
      }
    } catch (error) {
      console.error("[akismet] feedback job failed:", error);
    } finally {
      running = false;
    }
  };
  state.__newsroomRecheckTimer = setInterval(tick, INTERVAL_MS);
  state.__newsroomRecheckTimer.unref();
  setTimeout(tick, 5_000).unref();
}
