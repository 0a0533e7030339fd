/**
 * Runs once when the server starts: validates the environment, migrates the
 * database and seeds an empty one, so `next start` serves a working site on a
 * fresh machine. A failure ends the process (lib/server/start.ts);
 * scripts/server.mjs listens only after this succeeded.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerOrExit } = await import("@/lib/server/start");
  // The jobs are the floor above the domains: start-up gets them from here.
  const { startJobs } = await import("@/lib/jobs/scheduler");
  // scripts/server.mjs answers the personal request itself (lib/comments/personal-answer.ts),
  // from the first request it takes: it listens once start-up below has succeeded.
  const { registerPersonalFastPath } = await import("@/lib/comments/personal-answer");
  registerPersonalFastPath();
  await startServerOrExit({ startJobs });
}
