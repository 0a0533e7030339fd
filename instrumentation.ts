/**
 * Runs once when the server starts: validates the environment, migrates the
 * database and seeds an empty one, so `next start` serves a working site on a
 * fresh machine.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("@/lib/server/start");
  startServer();
}
