// Prints the test counts of the last vitest runs (SQLite, PostgreSQL) and
// Playwright run, ending with one plain line: "tests: N passed, N failed".
import fs from "node:fs";

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function vitestCounts(report) {
  return report
    ? { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests }
    : { passed: 0, failed: 1, skipped: 0 };
}

const vitest = read(".tmp/vitest.json");
const vitestPg = read(".tmp/vitest-pg.json");
const playwright = read(".tmp/playwright.json");

const unit = vitestCounts(vitest);
const pg = vitestCounts(vitestPg);
const e2e = playwright
  ? {
      passed: playwright.stats.expected + playwright.stats.flaky,
      failed: playwright.stats.unexpected,
      skipped: playwright.stats.skipped,
    }
  : { passed: 0, failed: 1, skipped: 0 };

// What failed, each with the start of its message: the end of the output is
// often all a CI page shows, and a failed hook leaves its tests "skipped".
const failures = [];
const clip = (text) => String(text ?? "").replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").slice(0, 12).join("\n      ").slice(0, 1500);
for (const [label, report] of [["SQLite", vitest], ["PostgreSQL", vitestPg]]) {
  for (const file of report?.testResults ?? []) {
    const name = file.name.replace(process.cwd() + "/", "");
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failed) failures.push(`[${label}] ${name} > ${t.fullName}\n      ${clip(t.failureMessages?.[0])}`);
    if (file.status === "failed" && failed.length === 0) failures.push(`[${label}] ${name} (the file or a hook failed)\n      ${clip(file.message)}`);
  }
}
const walk = (suite, path) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== "unexpected") continue;
      const error = test.results?.find((r) => r.error)?.error;
      failures.push(`[e2e] ${spec.file}:${spec.line} > ${[...path, spec.title].join(" > ")}\n      ${clip(error?.message)}`);
    }
  }
  for (const child of suite.suites ?? []) walk(child, suite.title && !suite.title.endsWith(".ts") ? [...path, suite.title] : path);
};
for (const suite of playwright?.suites ?? []) walk(suite, []);
if (failures.length > 0) {
  console.log("");
  console.log(`Failures (${failures.length}):`);
  for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
  if (failures.length > 20) console.log(`  … and ${failures.length - 20} more (see the logs above)`);
}

const missing = (report) => (report ? "" : " (no report: the run did not finish)");
console.log("");
console.log(`unit and integration on SQLite (vitest): ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped${missing(vitest)}`);
console.log(`integration on PostgreSQL (vitest): ${pg.passed} passed, ${pg.failed} failed, ${pg.skipped} skipped${missing(vitestPg)}`);
console.log(`end-to-end (playwright): ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped${missing(playwright)}`);
console.log(`tests: ${unit.passed + pg.passed + e2e.passed} passed, ${unit.failed + pg.failed + e2e.failed} failed`);
