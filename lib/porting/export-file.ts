import "server-only";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeExport } from "./export-stream";

/**
 * The export commands' shared part (scripts/export-wxr.ts,
 * scripts/export-json.ts): `--out <file>` or standard output. A file is
 * written under a temporary name beside it and renamed when complete, so a
 * failed export never leaves a truncated file under the name asked for.
 */
export function parseExportArgs(command: string, argv = process.argv.slice(2)): { out: string | null } | { usage: string; exitCode: number } {
  const usage = `Usage: npm run ${command} -- [--out <file>]\n  Without --out the file goes to standard output; counts go to standard error.`;
  try {
    const { values } = parseArgs({ args: argv, options: { out: { type: "string" }, help: { type: "boolean" } }, strict: true });
    if (values.help) return { usage, exitCode: 0 };
    if (values.out === "") return { usage: `--out needs a file name.\n${usage}`, exitCode: 2 };
    return { out: values.out ?? null };
  } catch (error) {
    return { usage: `${(error as Error).message}\n${usage}`, exitCode: 2 };
  }
}

export async function writeExportTo(parts: AsyncIterable<string>, out: string | null): Promise<void> {
  if (out === null) {
    await writeExport(parts, process.stdout);
    return;
  }
  const target = path.resolve(out);
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  const file = fs.createWriteStream(partial);
  try {
    await writeExport(parts, file);
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    fs.renameSync(partial, target);
  } catch (error) {
    file.destroy();
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
