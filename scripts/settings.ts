/**
 * `npm run settings -- list` | `npm run settings -- set key=value [key=value ...]`
 * Reads or changes site settings (values are JSON: numbers, true/false, ["a","b"]).
 */
import { getSettings, updateSettings, type Settings } from "@/lib/settings";

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === "list" || command === undefined) {
    console.log(JSON.stringify(getSettings(), null, 2));
    return;
  }
  if (command !== "set" || args.length === 0) {
    console.error("Usage: npm run settings -- list | set key=value [key=value ...]");
    process.exit(2);
  }
  const values: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      console.error(`Not key=value: ${arg}`);
      process.exit(2);
    }
    values[arg.slice(0, eq)] = parseValue(arg.slice(eq + 1));
  }
  const known = Object.keys(getSettings());
  const unknown = Object.keys(values).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    console.error(`Unknown setting(s): ${unknown.join(", ")}. Known: ${known.join(", ")}`);
    process.exit(2);
  }
  const result = updateSettings(values as Partial<Settings>);
  if (!result.ok) {
    for (const [key, message] of Object.entries(result.errors)) console.error(`${key}: ${message}`);
    process.exit(1);
  }
  console.log(`Saved: ${Object.keys(values).join(", ")}`);
}

main();
