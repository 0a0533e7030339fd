import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layer rule of eslint.config.mjs (README, Architecture: app/ → lib/jobs
 * → domains → lib/db, lib/http, lib/text, lib/*.ts, db/) still reports an
 * upward import: if it were deleted or its globs stopped matching, `npm run
 * lint` would pass whatever the imports, so this test fails instead. The
 * snippets are linted as if they lived at these paths (nothing is
 * written), with the project's own configuration but only this rule, and so
 * without the type checker the other rules need.
 */
const root = path.resolve(__dirname, "../..");
let eslint: ESLint;

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the layer rule (eslint.config.mjs)", () => {
  beforeAll(() => {
    eslint = new ESLint({
      cwd: root,
      ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    });
  });

  it("refuses lib/db and db/ in app/", async () => {
    const errors = await layerErrors("app/layers-check.tsx", 'import { getDb } from "@/lib/db";\nexport const db = getDb;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layers: app\/ → lib\/jobs → domains/);
    expect(await layerErrors("app/api/layers-check.ts", 'export { COMMENT_STATUSES } from "@/db/schema";\nexport { claimJobRun } from "@/lib/db/job-runs";\n')).toHaveLength(2);
    expect(await layerErrors("app/api/layers-check.ts", 'export { COMMENT_STATUSES } from "@/lib/comments/status";\n')).toEqual([]);
  }, 60_000);

  it("refuses a domain or a job in plumbing and storage", async () => {
    const errors = await layerErrors("lib/http/layers-check.ts", 'import { x } from "@/lib/comments/x";\nexport const y = x;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layers: /);
    expect(await layerErrors("lib/text/layers-check.ts", 'export { kickOutbox } from "@/lib/jobs/scheduler";\n')).toHaveLength(1);
    expect(await layerErrors("lib/db/layers-check.ts", 'export { getSettings } from "@/lib/settings";\n')).toHaveLength(1);
    expect(await layerErrors("lib/layers-check.ts", 'export { afterApproval } from "@/lib/comments/approval-mail";\n')).toHaveLength(1);
    expect(await layerErrors("lib/http/layers-check.ts", 'export { getDb } from "@/lib/db";\nexport { env } from "@/lib/env";\n')).toEqual([]);
  }, 60_000);

  it("refuses lib/jobs in a domain, and a way round the patterns", async () => {
    expect(await layerErrors("lib/comments/layers-check.ts", 'export { recheckComments } from "@/lib/jobs/akismet-retry";\n')).toHaveLength(1);
    expect(await layerErrors("lib/server/layers-check.ts", 'export { startJobs } from "@/lib/jobs/scheduler";\n')).toHaveLength(1);
    expect(await layerErrors("lib/http/layers-check.ts", 'export { submitComment } from "../comments/submit";\n')).toHaveLength(1);
    expect(await layerErrors("lib/comments/layers-check.ts", 'export { leaseOwner } from "@/lib/db/leases";\nexport { getSettings } from "@/lib/settings";\n')).toEqual([]);
  }, 60_000);
});
