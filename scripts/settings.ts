/**
 * `npm run settings -- list` | `npm run settings -- set key=value [key=value ...]`
 * Reads or changes site settings (values are JSON: numbers, true/false, ["a","b"]).
 */
import { closeDb, prepareDatabase } from "@/lib/db";
import { databaseLabel } from "@/lib/server/database-label";
import { getSettings, updateSettings, type Settings } from "@/lib/settings";

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The exit status: 0 done, 1 a value was refused, 2 a usage error. */
async function run(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === "list" || command === undefined) {
    console.log(JSON.stringify(await getSettings(), null, 2));
    return 0;
  }
  if (command !== "set" || args.length === 0) {
    console.error("Usage: npm run settings -- list | set key=value [key=value ...]");
    return 2;
  }
  const values: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      console.error(`Not key=value: ${arg}`);
      return 2;
    }
    values[arg.slice(0, eq)] = parseValue(arg.slice(eq + 1));
  }
  const known = Object.keys(await getSettings());
  const unknown = Object.keys(values).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    console.error(`Unknown setting(s): ${unknown.join(", ")}. Known: ${known.join(", ")}`);
    return 2;
  }
  const result = await updateSettings(values as Partial<Settings>);
  if (!result.ok) {
    for (const [key, message] of Object.entries(result.errors)) console.error(`${key}: ${message}`);
    return 1;
  }
  console.log(`Saved: ${Object.keys(values).join(", ")}`);
  return 0;
}

async function main() {
  await prepareDatabase();
  // Which site: DATABASE_URL, or the SQLite file (an unset variable in this shell means the file).
  console.error(`(${databaseLabel()})`);
  try {
    process.exitCode = await run();
  } finally {
    // The PostgreSQL pool would keep the process alive.
    await closeDb();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
