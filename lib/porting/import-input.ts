import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ImportCounts } from "./import-report";

/** A file to import: its path. */
export type ImportInput = string;

export type ImportProgress = {
  phase: "validating" | "importing" | "done";
  bytesRead: number;
  totalBytes: number;
  /** Counts so far (null while validating). */
  articles: ImportCounts | null;
  comments: ImportCounts | null;
  /** How many comments the file holds (known once validated). */
  totalComments: number | null;
};

export type ImportOptions = {
  /** Called as the file is read (each chunk while validating, each batch while importing); awaited. */
  onProgress?: (progress: ImportProgress) => Promise<void> | void;
  /** Comments per transaction (default 250). */
  batchSize?: number;
  /**
   * Rest after each batch as long as it took (the server's background import,
   * so the site keeps answering while it runs); off for the command line,
   * which only lets other writers in between two short transactions.
   */
  pace?: boolean;
};

/**
 * Runs `work` on a file: the path itself, or a readable stream spooled to a
 * temporary file first (an import reads its file twice: once to check it,
 * once to write), removed afterwards.
 */
export async function withInputFile<T>(
  input: string | NodeJS.ReadableStream | Readable,
  work: (file: string, totalBytes: number) => Promise<T>,
): Promise<T> {
  if (typeof input === "string") {
    const stat = await fs.promises.stat(input);
    return work(input, stat.size);
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "newsroom-import-"));
  const file = path.join(dir, `${crypto.randomUUID()}.xml`);
  try {
    const source = input instanceof Readable ? input : Readable.from(input as AsyncIterable<Buffer>);
    await pipeline(source, fs.createWriteStream(file, { mode: 0o600 }));
    const stat = await fs.promises.stat(file);
    return await work(file, stat.size);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
