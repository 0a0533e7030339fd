import "server-only";
import fs from "node:fs";
import { getDb, type Db } from "@/lib/db";
import { claimJobRun, finishJobRun, heartbeatJobRun, latestJobRun, currentJobRun, STALE_RUN_MS, type JobRun } from "@/lib/db/job-runs";
import { importDisqus } from "./disqus-import";
import type { ImportProgress } from "./import-input";
import { ImportFormatError, type ImportCounts, type ImportFormat, type ImportReport } from "./import-report";
import { importWxr } from "./wxr-import";

/** The job_runs name of an import: one at a time, from the command line or /admin/import. */
export const IMPORT_JOB = "import";

/** What an import's job_runs row holds while it runs and when it ends (the page's progress bar and report). */
export type ImportJobSummary = {
  phase: ImportProgress["phase"] | "failed";
  format: ImportFormat;
  fileName: string;
  bytesRead: number;
  totalBytes: number;
  totalComments: number | null;
  articles: ImportCounts | null;
  comments: ImportCounts | null;
  report?: ImportReport;
  error?: string;
  /** "format": the file is malformed (nothing was written); "other": something failed while writing (what was written is kept; run it again to resume). */
  errorKind?: "format" | "other";
};

/** The most skipped rows and notes kept in the job's row for the page (the command line prints them all). */
const LISTED_IN_SUMMARY = 200;

function trimReport(report: ImportReport): ImportReport {
  return {
    ...report,
    skipped: report.skipped.slice(0, LISTED_IN_SUMMARY),
    skippedNotListed: report.skippedNotListed + Math.max(0, report.skipped.length - LISTED_IN_SUMMARY),
    notes: report.notes.slice(0, LISTED_IN_SUMMARY),
    notesNotListed: report.notesNotListed + Math.max(0, report.notes.length - LISTED_IN_SUMMARY),
  };
}

/** Which export a file is, from its first 64 KiB: a WXR <rss> or a Disqus <disqus> root. */
export async function detectFormat(file: string): Promise<ImportFormat> {
  const handle = await fs.promises.open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString("utf8").replace(/<!--[\s\S]*?-->/g, "").replace(/<\?[\s\S]*?\?>/g, "");
    const root = /<([A-Za-z_][\w:.-]*)/.exec(head)?.[1];
    if (root === "rss") return "wxr";
    if (root === "disqus") return "disqus";
    if (root) throw new ImportFormatError(`This is neither a WordPress export (WXR, root <rss>) nor a Disqus export (root <disqus>): the root element is <${root}>`);
    throw new ImportFormatError("This is not an XML file: no element found at its start");
  } finally {
    await handle.close();
  }
}

export type ImportStart =
  | { started: true; runId: number; finished: Promise<{ summary: ImportJobSummary; report: ImportReport | null; error: unknown }> }
  | { started: false; running: JobRun };

/**
 * Starts an import of `file` as a background job run (at most one import
 * at a time, across processes): validates, then writes, recording progress
 * (bytes read, comments so far) in the run's summary every second, and the
 * report at the end. `removeFile` deletes the file afterwards (an upload).
 */
export async function startImport(
  {
    file,
    fileName,
    format,
    actorId = null,
    removeFile = false,
    onProgress: report,
    pace = false,
  }: {
    file: string;
    fileName: string;
    format?: ImportFormat;
    actorId?: number | null;
    removeFile?: boolean;
    onProgress?: (summary: ImportJobSummary) => void;
    /** Rest between batches so requests are answered (the server's own import). */
    pace?: boolean;
  },
  db: Db = getDb(),
): Promise<ImportStart> {
  const totalBytes = (await fs.promises.stat(file)).size;
  const base: ImportJobSummary = { phase: "validating", format: format ?? "wxr", fileName, bytesRead: 0, totalBytes, totalComments: null, articles: null, comments: null };
  const claim = await claimJobRun(db, IMPORT_JOB, { actorId, summary: base });
  if (!claim.ok) {
    if (removeFile) await fs.promises.rm(file, { force: true });
    return { started: false, running: claim.running };
  }
  const runId = claim.run.id;
  const finished = (async () => {
    let summary: ImportJobSummary = { ...base };
    let lastBeat = 0;
    const onProgress = async (p: ImportProgress) => {
      summary = { ...summary, ...p };
      report?.(summary);
      const now = Date.now();
      if (now - lastBeat < 1000 && p.phase !== "done") return;
      lastBeat = now;
      await heartbeatJobRun(db, runId, summary);
    };
    try {
      const kind = format ?? (await detectFormat(file));
      summary.format = kind;
      const report = kind === "wxr" ? await importWxr(db, file, { onProgress, pace }) : await importDisqus(db, file, { onProgress, pace });
      summary = { ...summary, phase: "done", bytesRead: totalBytes, articles: report.articles, comments: report.comments, report: trimReport(report) };
      await finishJobRun(db, runId, summary);
      return { summary, report, error: null };
    } catch (error) {
      summary = {
        ...summary,
        phase: "failed",
        error: error instanceof Error ? error.message : String(error),
        errorKind: error instanceof ImportFormatError ? "format" : "other",
      };
      await finishJobRun(db, runId, summary).catch((e: unknown) => console.error("[import] recording the end of the import failed:", e));
      if (!(error instanceof ImportFormatError)) console.error("[import] the import failed:", error);
      return { summary, report: null, error };
    } finally {
      if (removeFile) await fs.promises.rm(file, { force: true }).catch(() => undefined);
    }
  })();
  return { started: true, runId, finished };
}

/** An import is in progress (alive or not yet closed): a second upload is refused before it is read. */
export async function importRunning(db: Db = getDb()): Promise<boolean> {
  return (await currentJobRun(db, IMPORT_JOB)) !== null;
}

/** The import running now, or the last one (for /admin/import); `alive` is false for a run whose process stopped. */
export async function importStatus(db: Db = getDb(), now = new Date()): Promise<{ run: JobRun; summary: ImportJobSummary; running: boolean } | null> {
  const running = await currentJobRun(db, IMPORT_JOB);
  if (running) {
    const alive = now.getTime() - (running.heartbeatAt ?? running.startedAt).getTime() <= STALE_RUN_MS;
    const summary = running.summary as ImportJobSummary;
    if (alive) return { run: running, summary, running: true };
    return { run: running, summary: { ...summary, phase: "failed", error: "the server stopped while the import ran; upload the file again to resume", errorKind: "other" }, running: false };
  }
  const last = await latestJobRun(db, IMPORT_JOB);
  return last ? { run: last, summary: last.summary as ImportJobSummary, running: false } : null;
}
