/** `npm run akismet:recheck`: re-checks now every comment Akismet could not check. */
import { closeDb, prepareDatabase } from "@/lib/db";
import { recheckComments } from "@/lib/jobs/akismet-retry";

async function main() {
  await prepareDatabase();
  try {
    const summary = await recheckComments({ ignoreSchedule: true });
    if (summary.skipped === "not_configured") {
      console.log("AKISMET_KEY is not set: nothing to re-check.");
    } else {
      console.log(
        `Re-checked ${summary.checked}: ${summary.approved} approved, ${summary.spam} spam, ${summary.held} still held, ${summary.failed} failed (retried later); stopped retrying ${summary.gaveUp} older than the retry window.`,
      );
    }
  } finally {
    await closeDb();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
