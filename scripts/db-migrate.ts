/** `npm run db:migrate`: applies the committed migrations to DATABASE_PATH. */
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";

getDb(); // opens and migrates
console.log(`Migrated ${env().DATABASE_PATH}`);
