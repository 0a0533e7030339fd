// Prints the test counts of the last vitest and Playwright runs, ending with
// one plain line: "tests: N passed, N failed".
import fs from "node:fs";

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const vitest = read(".tmp/vitest.json");
const playwright = read(".tmp/playwright.json");

const unit = vitest
  ? { passed: vitest.numPassedTests, failed: vitest.numFailedTests, skipped: vitest.numPendingTests + vitest.numTodoTests }
  : { passed: 0, failed: 1, skipped: 0 };
const e2e = playwright
  ? {
      passed: playwright.stats.expected + playwright.stats.flaky,
      failed: playwright.stats.unexpected,
      skipped: playwright.stats.skipped,
    }
  : { passed: 0, failed: 1, skipped: 0 };

console.log("");
console.log(`unit and integration (vitest): ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped${vitest ? "" : " (no report: the run did not finish)"}`);
console.log(`end-to-end (playwright): ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped${playwright ? "" : " (no report: the run did not finish)"}`);
console.log(`tests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed} failed`);
