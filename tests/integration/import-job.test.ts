/**
 * Imports as background job runs (/admin/import and the command line): one
 * at a time, progress and the report in the run's summary, and the command
 * line's report and exit statuses (0 imported, 2 malformed file, 1 otherwise).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { getDb, storeOf } from "@/lib/db";
import { claimJobRun, finishJobRun } from "@/lib/db/job-runs";
import { IMPORT_JOB, importStatus, startImport } from "@/lib/porting/import-job";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const run = promisify(execFile);
const WXR = path.join(process.cwd(), "tests/fixtures/wxr");

function cli(script: string, file: string) {
  return run(process.execPath, [...TSX_NODE_ARGS, script, file], { env: { ...process.env }, timeout: 60_000 });
}

describe(`imports as job runs (${storeOf(getDb())})`, () => {
  it("runs one import at a time and keeps its progress and report in the run", async () => {
    const blocker = await claimJobRun(getDb(), IMPORT_JOB, { summary: {} });
    expect(blocker.ok).toBe(true);
    const refused = await startImport({ file: path.join(WXR, "site.xml"), fileName: "site.xml" });
    expect(refused.started).toBe(false);
    if (blocker.ok) await finishJobRun(getDb(), blocker.run.id, {});

    const seen: string[] = [];
    const start = await startImport({ file: path.join(WXR, "site.xml"), fileName: "site.xml", onProgress: (s) => seen.push(s.phase) });
    expect(start.started).toBe(true);
    if (!start.started) return;
    const { summary } = await start.finished;
    expect(seen).toContain("validating");
    expect(seen).toContain("importing");
    expect(summary).toMatchObject({ phase: "done", format: "wxr", fileName: "site.xml", comments: { imported: 13, alreadyImported: 0, skipped: 6 } });
    const status = await importStatus(getDb());
    expect(status).toMatchObject({ running: false, summary: { phase: "done", report: { comments: { imported: 13 } } } });
    expect(status!.summary.bytesRead).toBe(status!.summary.totalBytes);
  });

  it("records a malformed file as failed, saying why", async () => {
    const start = await startImport({ file: path.join(WXR, "wrong-root.xml"), fileName: "wrong-root.xml" });
    if (!start.started) throw new Error("not started");
    const { summary } = await start.finished;
    expect(summary).toMatchObject({ phase: "failed", errorKind: "format", error: "This is neither a WordPress export (WXR, root <rss>) nor a Disqus export (root <disqus>): the root element is <feed>" });
  });

  it("npm run import:wxr prints the report (exit 0) and refuses a malformed file (exit 2)", async () => {
    const { stdout } = await cli("scripts/import-wxr.ts", path.join(WXR, "site.xml"));
    expect(stdout).toContain("Comments: 0 imported, 13 already imported, 6 skipped");
    expect(stdout).toContain("Everything in this file was already imported: nothing changed.");
    expect(stdout).toContain("comment 1008: pingback (pingbacks and trackbacks are not imported)");
    const broken = await cli("scripts/import-wxr.ts", path.join(WXR, "truncated.xml")).catch((e: { code: number; stderr: string }) => e);
    expect(broken).toMatchObject({ code: 2, stderr: expect.stringMatching(/Cannot import truncated\.xml: The file is not well-formed XML: Unclosed root tag \(line \d+, column \d+\)\. Nothing was imported\./) });
    const missing = await cli("scripts/import-disqus.ts", path.join(WXR, "no-such-file.xml")).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("Cannot read") });
  }, 60_000);

  it("npm run import:wxr imports a file with a duplicated post id (exit 0) and lists each skipped row with its line and reason", async () => {
    const { stdout } = await cli("scripts/import-wxr.ts", path.join(WXR, "duplicate-post-id.xml"));
    expect(stdout).toContain("Articles: 3 imported, 0 already imported, 1 skipped");
    expect(stdout).toContain("Comments: 4 imported, 0 already imported, 2 skipped");
    expect(stdout).toContain("  line 93, item 201: post id 201 appears twice in the file: only the item at line 17 is imported");
    expect(stdout).toContain("  line 49, comment 402: comment id 402 appears twice in the file: only the first is imported");
    expect(stdout).toContain("  line 105, comment 405: its item is not imported: post id 201 appears twice in the file");
  }, 60_000);
});
