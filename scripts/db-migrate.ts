/**
 * `npm run db:migrate`: applies the committed migrations to the store this
 * process runs on: PostgreSQL when DATABASE_URL is set (db/pg/migrations),
 * else the SQLite file at DATABASE_PATH (db/sqlite/migrations).
 */
import { closeDb, prepareDatabase } from "@/lib/db";
import { databaseLabel } from "@/lib/server/database-label";

async function main() {
  try {
    await prepareDatabase(); // opens and migrates
    console.log(`Migrated ${databaseLabel()}`);
  } finally {
    await closeDb();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
