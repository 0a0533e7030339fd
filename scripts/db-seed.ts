/** `npm run db:seed`: inserts the sample articles that are missing (idempotent). */
import { seedArticles } from "@/lib/articles/seed";
import { getDb } from "@/lib/db";

const inserted = seedArticles(getDb());
console.log(
  inserted.length > 0 ? `Seeded: ${inserted.join(", ")}` : "Seed articles already present.",
);
