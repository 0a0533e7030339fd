import "server-only";
import { seedIfEmpty } from "@/lib/articles/seed";
import { startPageCacheInvalidation } from "@/lib/cache/invalidation";
import { loadServerSecret } from "@/lib/auth/secret";
import { prepareDatabase } from "@/lib/db";
import { EnvError, env } from "@/lib/env";
import { akismetConfigured } from "@/lib/spam/akismet";
import { verifyAndRecordKey } from "@/lib/spam/overview";
import { databaseLabel } from "./database-label";

/**
 * What start-up starts from the floor above this one: the background jobs
 * (lib/jobs/scheduler.ts `startJobs`), handed in by instrumentation.ts, since
 * a domain module never imports lib/jobs (README, Architecture).
 */
export type StartHooks = { startJobs: (options: { akismet: boolean }) => void };

/**
 * Start-up work of the Node server: env check, migrations (PostgreSQL's are
 * awaited here, before anything else uses the database), first-run seed,
 * then the background jobs.
 */
export async function startServer({ startJobs }: StartHooks): Promise<void> {
  const config = env(); // throws an EnvError naming each bad variable
  const db = await prepareDatabase(); // opens and migrates
  const seeded = await seedIfEmpty(db);
  if (seeded.length > 0) {
    console.log(`[start] seeded ${seeded.length} article(s): ${seeded.join(", ")}`);
  }
  console.log(`[start] database ready at ${databaseLabel()}`);
  await loadServerSecret(db); // the generated signing secret, shared by every instance (unless NEXTAUTH_SECRET is set)
  startJobs({ akismet: akismetConfigured() });
  startPageCacheInvalidation(db);
  if (akismetConfigured()) {
    console.log(`[start] Akismet: checking comments at ${config.AKISMET_URL}`);
    // For the status panel; in the background, so start-up never waits on Akismet.
    verifyAndRecordKey()
      .then((r) => console.log(`[start] Akismet key: ${r.error ? `could not verify (${r.error})` : r.valid ? "verified" : "REFUSED by Akismet"}`))
      .catch((error) => console.error("[start] Akismet verify-key failed:", error));
  } else {
    console.warn("[start] Akismet: AKISMET_KEY is not set; guest comments are held for moderation");
  }
}

/**
 * How start-up ended, for scripts/server.mjs, which waits for it before it
 * listens: it puts a callback under this key on globalThis before Next loads.
 */
export const STARTUP_REPORT_KEY = Symbol.for("newsroom.startup-report");
export type StartupReport = { ok: true } | { ok: false; message: string };

function report(result: StartupReport): void {
  const callback = (globalThis as Record<symbol, unknown>)[STARTUP_REPORT_KEY];
  if (typeof callback === "function") callback(result);
}

/**
 * Runs start-up; when it fails (an invalid environment variable, a database
 * that cannot be opened or migrated) prints why, naming the variable, and
 * ends the process with status 1, so a broken configuration never serves.
 */
export async function startServerOrExit(hooks: StartHooks): Promise<void> {
  try {
    await startServer(hooks);
  } catch (error) {
    const message =
      error instanceof EnvError ? error.message : `Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    console.error(`[start] ${message}\n[start] The server is not started.`);
    report({ ok: false, message });
    process.exit(1);
  }
  report({ ok: true });
}
