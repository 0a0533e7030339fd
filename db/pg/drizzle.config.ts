import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes the PostgreSQL migration for a change to db/pg/schema.ts. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/pg/schema.ts",
  out: "./db/pg/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/newsroom" },
  strict: true,
  verbose: true,
});
