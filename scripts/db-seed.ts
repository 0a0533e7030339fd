/**
 * `npm run db:seed [-- <folder>]`: inserts the articles of db/seed (or of the
 * folder given) that are missing. Idempotent; never overwrites edits.
 */
import path from "node:path";
import { seedArticles } from "@/lib/articles/seed";
import { closeDb, prepareDatabase } from "@/lib/db";

async function main() {
  const folder = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  try {
    const inserted = await seedArticles(await prepareDatabase(), folder);
    console.log(inserted.length > 0 ? `Seeded: ${inserted.join(", ")}` : "Seed articles already present.");
  } finally {
    await closeDb();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
