import "server-only";
import { processOutbox } from "@/lib/moderation/outbox";
import { getSettings } from "@/lib/settings";
import { recheckComments } from "./recheck";

const state = globalThis as typeof globalThis & { __newsroomRecheckTimer?: NodeJS.Timeout | null };

/**
 * Starts the in-process Akismet jobs with the server: every
 * `akismetJobIntervalSeconds` (a minute by default) it re-checks the comments
 * whose retry time has come and sends the moderators' queued reports
 * (submit-spam / submit-ham) that are due; most runs find nothing to do.
 * Runs never overlap here, and each comment or report is claimed before its
 * call, so another instance or `npm run akismet:recheck` at the same time
 * never does the same work. Returns a function that stops it.
 */
export function startRecheckScheduler({ firstRunMs = 5_000 }: { firstRunMs?: number } = {}): () => void {
  if (state.__newsroomRecheckTimer) return () => {};
  let stopped = false;
  const tick = async () => {
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
    }
    schedule(getSettings().akismetJobIntervalSeconds * 1000);
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    state.__newsroomRecheckTimer = setTimeout(tick, ms);
    state.__newsroomRecheckTimer.unref();
  };
  state.__newsroomRecheckTimer = setTimeout(tick, firstRunMs);
  state.__newsroomRecheckTimer.unref();
  return () => {
    stopped = true;
    if (state.__newsroomRecheckTimer) clearTimeout(state.__newsroomRecheckTimer);
    state.__newsroomRecheckTimer = null;
  };
}
