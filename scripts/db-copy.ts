/**
 * `npm run db:copy -- --from <sqlite file | postgres://…> --to <sqlite file | postgres://…>`
 *
 * Copies a site's data into an empty database of either kind: SQLite to
 * PostgreSQL when one machine is no longer enough, and back. Ids and each
 * table's next id are kept. The target is migrated first and must hold no
 * rows; everything is written in one transaction (a failure leaves it empty).
 * Afterwards both sides are read again and compared table by table: row
 * counts and a SHA-256 checksum of every row. Exits 0 only when they match.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { CopyRefused, copyDatabase } from "@/lib/db/copy";
import { storeKind } from "@/db/store-kind";

const USAGE = [
  "Usage: npm run db:copy -- --from <source> --to <target>",
  "  <source>, <target>: a SQLite file (./data/app.db) or a postgres:// URL.",
  "  The target must be empty (a new file or a new database); it is migrated first.",
  "  Stop the app (or keep it read-only) while copying: writes made during the copy are not carried over.",
].join("\n");

/** A postgres URL without its password, for printing. */
function shown(target: string): string {
  if (storeKind({ DATABASE_URL: target }) !== "postgres") return path.resolve(target);
  const url = new URL(target);
  if (url.password) url.password = "***";
  return url.toString();
}

async function main() {
  let values: { from?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { from: { type: "string" }, to: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.from || !values.to) {
    console.error(`Both --from and --to are needed.\n${USAGE}`);
    process.exit(2);
  }
  console.log(`Copying ${shown(values.from)} → ${shown(values.to)}`);
  const started = Date.now();
  let lastTable = "";
  try {
    const report = await copyDatabase(values.from, values.to, {
      onProgress: (table, copied) => {
        if (table !== lastTable) {
          if (lastTable) process.stdout.write("\n");
          lastTable = table;
        }
        process.stdout.write(`\r  ${table}: ${copied} rows`);
      },
    });
    if (lastTable) process.stdout.write("\n");
    console.log("");
    console.log("table               source rows  target rows  source checksum   target checksum   ok");
    report.from.forEach((source, i) => {
      const target = report.to[i]!;
      const ok = source.rows === target.rows && source.checksum === target.checksum;
      console.log(
        `${source.table.padEnd(20)}${String(source.rows).padStart(11)}  ${String(target.rows).padStart(11)}  ${source.checksum}  ${target.checksum}  ${ok ? "yes" : "NO"}`,
      );
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (!report.verified) {
      console.error(`\nThe copy does not match the source in: ${report.mismatches.join(", ")}.`);
      process.exit(1);
    }
    console.log(`\nVerified: every table has the same rows and checksum on both sides (${seconds} s).`);
  } catch (error) {
    if (error instanceof CopyRefused) {
      console.error(`Refused: ${error.message}.`);
      process.exit(2);
    }
    throw error;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
