import "server-only";
import { seedIfEmpty } from "@/lib/articles/seed";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { akismetConfigured } from "@/lib/spam/akismet";
import { startRecheckScheduler } from "@/lib/spam/scheduler";

/** Start-up work of the Node server: env check, migrations, first-run seed. */
export function startServer(): void {
  const config = env(); // throws an EnvError naming each bad variable
  const db = getDb(); // opens and migrates
  const seeded = seedIfEmpty(db);
  if (seeded.length > 0) {
    console.log(`[start] seeded ${seeded.length} article(s): ${seeded.join(", ")}`);
  }
  console.log(`[start] database ready at ${config.DATABASE_PATH}`);
  if (akismetConfigured()) {
    console.log(`[start] Akismet: checking comments at ${config.AKISMET_URL}`);
    startRecheckScheduler();
  } else {
    console.warn("[start] Akismet: AKISMET_KEY is not set; guest comments are held for moderation");
  }
}
