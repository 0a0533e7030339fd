import "server-only";
import { seedIfEmpty } from "@/lib/articles/seed";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";

/** Start-up work of the Node server: env check, migrations, first-run seed. */
export function startServer(): void {
  const config = env(); // throws an EnvError naming each bad variable
  const db = getDb(); // opens and migrates
  const seeded = seedIfEmpty(db);
  if (seeded.length > 0) {
    console.log(`[start] seeded ${seeded.length} article(s): ${seeded.join(", ")}`);
  }
  console.log(`[start] database ready at ${config.DATABASE_PATH}`);
}
