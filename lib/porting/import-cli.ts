import "server-only";
import fs from "node:fs";
import path from "node:path";
import { closeDb, prepareDatabase } from "@/lib/db";
import { startImport, type ImportJobSummary } from "./import-job";
import { formatReport, ImportFormatError, type ImportFormat } from "./import-report";

/**
 * `npm run import:wxr -- export.xml` and `npm run import:disqus -- disqus.xml`:
 * imports the file into the site's database (DATABASE_PATH or DATABASE_URL)
 * and prints the report. Exit status: 0 imported (also when everything was
 * already there), 2 the file is malformed (nothing was written), 1 anything
 * else (another import running, the file unreadable, a database error: run
 * it again to resume).
 */
export async function runImportCli(format: ImportFormat, argv: string[]): Promise<number> {
  const command = format === "wxr" ? "npm run import:wxr -- <export.xml>" : "npm run import:disqus -- <disqus.xml>";
  const args = argv.filter((a) => a !== "--");
  if (args.length !== 1 || args[0] === "--help" || args[0] === "-h") {
    console.error(`Usage: ${command}`);
    return args[0] === "--help" || args[0] === "-h" ? 0 : 1;
  }
  const file = path.resolve(args[0]!);
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new Error("not a file");
    await fs.promises.access(file, fs.constants.R_OK);
  } catch {
    console.error(`Cannot read ${file}.`);
    return 1;
  }
  const db = await prepareDatabase();
  try {
    let last = 0;
    const show = (s: ImportJobSummary) => {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      const pct = s.totalBytes > 0 ? Math.floor((s.bytesRead / s.totalBytes) * 100) : 100;
      const done = s.comments ? `, ${s.comments.imported.toLocaleString("en-US")} comments imported` : "";
      process.stderr.write(`${s.phase === "validating" ? "Checking the file" : "Importing"}: ${pct}%${done}\n`);
    };
    const start = await startImport({ file, fileName: path.basename(file), format, onProgress: show }, db);
    if (!start.started) {
      console.error(`Another import is running (started ${start.running.startedAt.toISOString()}); wait for it to finish.`);
      return 1;
    }
    const { report, error } = await start.finished;
    if (error) {
      if (error instanceof ImportFormatError) {
        console.error(`Cannot import ${path.basename(file)}: ${error.message}. Nothing was imported.`);
        return 2;
      }
      console.error(`The import stopped: ${error instanceof Error ? error.message : String(error)}. What was written is kept; run the same command again to resume.`);
      return 1;
    }
    console.log(formatReport(report!));
    return 0;
  } finally {
    await closeDb();
  }
}
