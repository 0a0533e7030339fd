import "server-only";
import { pruneExpiredLimits } from "@/lib/auth/rate-limit";
import { pruneTokens } from "@/lib/accounts/tokens";
import { getDb } from "@/lib/db";
import { DEFAULT_SETTINGS, getSettings } from "@/lib/settings";
import { recheckComments } from "./akismet-retry";
import { processOutbox } from "./feedback-outbox";
import { pruneMailOutbox, startMailScheduler } from "./mail-outbox";
import { runRetention } from "./retention";

/**
 * The background jobs, all in one place (decision 014): the Akismet retry,
 * the feedback outbox, retention and the mail outbox. Every instance runs all of them: each
 * job claims its rows (leases; FOR UPDATE SKIP LOCKED on PostgreSQL) or its
 * run (job_runs), so instances sharing a database split the work and never
 * do the same work twice. `startJobs` starts them with the server.
 */
export function startJobs({ akismet }: { akismet: boolean }): void {
  startRetentionScheduler();
  if (akismet) startRecheckScheduler();
  // Mail (SMTP_URL set): reply notifications, the moderators' digest, personal-data links.
  startMailScheduler();
}

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
    // A failed read (the database unreachable) must not stop the job: the default interval.
    let interval = DEFAULT_SETTINGS.akismetJobIntervalSeconds * 1000;
    try {
      interval = (await getSettings()).akismetJobIntervalSeconds * 1000;
    } catch (error) {
      console.error("[akismet] could not read the job interval:", error);
    }
    schedule(interval);
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    state.__newsroomRecheckTimer = setTimeout(() => void tick(), ms);
    state.__newsroomRecheckTimer.unref();
  };
  state.__newsroomRecheckTimer = setTimeout(() => void tick(), firstRunMs);
  state.__newsroomRecheckTimer.unref();
  return () => {
    stopped = true;
    if (state.__newsroomRecheckTimer) clearTimeout(state.__newsroomRecheckTimer);
    state.__newsroomRecheckTimer = null;
  };
}

const HOUR_MS = 3_600_000;
const retention = globalThis as typeof globalThis & { __newsroomRetentionTimer?: NodeJS.Timeout };

/**
 * Retention: shortly after start-up, then hourly, deletes spam and trash past
 * their retention (settings), in batches, each run recorded in `job_runs` (one
 * run at a time across instances), and the expired counters of the sign-in
 * and registration limits, and account links expired for a week.
 */
export function startRetentionScheduler(): void {
  if (retention.__newsroomRetentionTimer) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runRetention();
      await pruneExpiredLimits();
      await pruneMailOutbox();
      await pruneTokens(getDb());
    } catch (error) {
      console.error("[retention] job failed:", error);
    } finally {
      running = false;
    }
  };
  retention.__newsroomRetentionTimer = setInterval(() => void tick(), HOUR_MS);
  retention.__newsroomRetentionTimer.unref();
  setTimeout(() => void tick(), 30_000).unref();
}

/** Sends queued feedback soon, in the background (never in the moderator's request). */
export { kickOutbox } from "./feedback-outbox";
