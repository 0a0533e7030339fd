import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside Next's server build; tests are server code.
      { find: /^server-only$/, replacement: `${root}/node_modules/server-only/empty.js` },
    ],
  },
  test: {
    environment: "node",
    // Which files: `projects` below (an `include` here would be added to theirs).
    // Two passes (scripts/test-all.sh): SQLite, and PostgreSQL when
    // TEST_DATABASE_URL names a server. `*.pg.test.ts` need both stores (the
    // PostgreSQL pass); `*.sqlite.test.ts` are about the SQLite file itself.
    exclude: ["**/node_modules/**", process.env.TEST_DATABASE_URL ? "tests/**/*.sqlite.test.ts" : "tests/**/*.pg.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/fresh-database.ts"],
    pool: "forks",
    // Limits for a hung test or hook, not for a slow one: `npm run test:all` runs both
    // passes beside the checks and the build on two cores (decision 020).
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        // Rules and mappings: no database of their own, no module state between files.
        // Loaded once per worker rather than once per file (import was most of their
        // time: 16.5 -> 5 s of CPU, decision 020).
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], isolate: false },
      },
      {
        // Each file in a process of its own, on its own copy of the database.
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"] },
      },
    ],
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest.json" },
  },
});
