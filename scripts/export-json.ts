/**
 * `npm run export:json -- [--out site.json]`
 *
 * Writes everything worth keeping (articles, comments and their histories,
 * accounts without passwords, settings, moderation data) as one JSON
 * document, to the file or to standard output, and the rows per table to
 * standard error. What is left out and why: lib/porting/json-export.ts.
 */
import { closeDb, prepareDatabase } from "@/lib/db";
import { parseExportArgs, writeExportTo } from "@/lib/porting/export-file";
import { jsonExport, type JsonExportStats } from "@/lib/porting/json-export";

async function main() {
  const args = parseExportArgs("export:json");
  if ("usage" in args) {
    (args.exitCode === 0 ? console.log : console.error)(args.usage);
    process.exit(args.exitCode);
  }
  const started = Date.now();
  const stats: Partial<JsonExportStats> = {};
  try {
    const db = await prepareDatabase();
    await writeExportTo(jsonExport(db, { stats }), args.out);
  } finally {
    await closeDb();
  }
  const rows = Object.entries(stats).map(([table, n]) => `${table} ${n}`);
  console.error(`Exported ${rows.join(", ")}${args.out ? ` to ${args.out}` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
