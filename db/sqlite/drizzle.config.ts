import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes the SQLite migration for a change to db/sqlite/schema.ts. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/sqlite/schema.ts",
  out: "./db/sqlite/migrations",
  dbCredentials: { url: process.env.DATABASE_PATH ?? "./data/app.db" },
  strict: true,
  verbose: true,
});
