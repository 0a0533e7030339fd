// Lint for what the type checker cannot see: a promise nobody awaits. The
// data layer is async (decision 014); a forgotten `await` on a write would
// let a request answer before its comment is stored. And the floors of the
// code (README, Architecture): imports point only down.
import tseslint from "typescript-eslint";

/**
 * The floors, top to bottom: app/ (pages, actions, route handlers) →
 * lib/jobs (background jobs) → the domain folders → plumbing and storage
 * (lib/db, lib/http, lib/text, the files at lib/'s root, db/). Each entry
 * below forbids one floor's upward imports; tests/unit/layers.test.ts checks
 * that the rule still reports them.
 */
export const DOMAINS = ["comments", "articles", "auth", "moderation", "spam", "mail", "porting", "privacy", "settings", "cache", "server", "community", "accounts"];
const LAYERS = "Layers: app/ → lib/jobs → domains → lib/db, lib/http, lib/text, lib/*.ts, db/; imports point only down (README, Architecture).";
const DOMAIN_OR_JOBS = `^@/lib/(${[...DOMAINS, "jobs"].join("|")})(/|$)`;
/** A path out of the folder (`../x`) would slip past the patterns: floors are crossed with the `@/` alias. */
const UP_AND_OUT = { regex: "^(\\.\\./)+", message: `Import across lib/ folders with the @/ alias, so the layer rule sees it. ${LAYERS}` };
const layer = (files, patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".tmp/**", "next-env.d.ts", "**/*.mjs", "**/*.js"] },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
  layer(["app/**/*.ts", "app/**/*.tsx"], [
    {
      regex: "^@/(lib/db|db)(/|$)",
      message: `app/ reaches data only through the domain modules (they open their own handle and export the names they own), never lib/db or db/. ${LAYERS}`,
    },
  ]),
  layer(["lib/http/**/*.ts", "lib/text/**/*.ts", "lib/*.ts"], [
    { regex: DOMAIN_OR_JOBS, message: `Plumbing (lib/http, lib/text, lib/*.ts) knows no domain and no job: take plain data from the caller. ${LAYERS}` },
    UP_AND_OUT,
  ]),
  layer(["lib/db/**/*.ts"], [{ regex: DOMAIN_OR_JOBS, message: `Storage (lib/db) knows no domain and no job. ${LAYERS}` }, UP_AND_OUT]),
  layer(["db/**/*.ts"], [{ regex: DOMAIN_OR_JOBS, message: `Storage (db/) knows no domain and no job. ${LAYERS}` }]),
  layer(
    DOMAINS.flatMap((d) => [`lib/${d}/**/*.ts`, `lib/${d}/**/*.tsx`]),
    [
      { regex: "^@/lib/jobs(/|$)", message: `A domain never imports the jobs above it (what both need goes below, e.g. lib/db/leases.ts, lib/db/job-runs.ts). ${LAYERS}` },
      UP_AND_OUT,
    ],
  ),
);
