/**
 * `npm run export:wxr -- [--out site.xml]`
 *
 * Writes the site as WXR 1.2, WordPress's export format (articles as posts,
 * every comment in every status), to the file or to standard output, and the
 * counts to standard error. WordPress: Tools → Import → WordPress.
 */
import { closeDb, prepareDatabase } from "@/lib/db";
import { parseExportArgs, writeExportTo } from "@/lib/porting/export-file";
import { newWxrStats, wxrExport } from "@/lib/porting/wxr-export";

async function main() {
  const args = parseExportArgs("export:wxr");
  if ("usage" in args) {
    (args.exitCode === 0 ? console.log : console.error)(args.usage);
    process.exit(args.exitCode);
  }
  const started = Date.now();
  const stats = newWxrStats();
  try {
    const db = await prepareDatabase();
    await writeExportTo(wxrExport(db, { stats }), args.out);
  } finally {
    await closeDb();
  }
  const s = stats.byStatus;
  console.error(
    `Exported ${stats.articles} articles, ${stats.comments} comments (${s.approved} approved, ${s.pending} held, ${s.spam} spam, ${s.trash} trash) ` +
      `and ${stats.authors} authors${args.out ? ` to ${args.out}` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
