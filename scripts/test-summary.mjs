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

const missing = (report) => (report ? "" : " (no report: the run did not finish)");
console.log("");
console.log(`unit and integration on SQLite (vitest): ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped${missing(vitest)}`);
console.log(`integration on PostgreSQL (vitest): ${pg.passed} passed, ${pg.failed} failed, ${pg.skipped} skipped${missing(vitestPg)}`);
console.log(`end-to-end (playwright): ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped${missing(playwright)}`);
console.log(`tests: ${unit.passed + pg.passed + e2e.passed} passed, ${unit.failed + pg.failed + e2e.failed} failed`);
