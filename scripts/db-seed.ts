/**
 * `npm run db:seed [-- <folder>]`: inserts the articles of db/seed (or of the
 * folder given) that are missing. Idempotent; never overwrites edits.
 */
import path from "node:path";
import { seedArticles } from "@/lib/articles/seed";
import { getDb } from "@/lib/db";

const folder = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
const inserted = seedArticles(getDb(), folder);
console.log(inserted.length > 0 ? `Seeded: ${inserted.join(", ")}` : "Seed articles already present.");
