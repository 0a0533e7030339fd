import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The largest export /admin/import accepts (a 200 MB WordPress export fits with room to spare). */
export const UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

/** Room for the multipart framing around the file. */
const FRAMING_BYTES = 64 * 1024;

export class UploadError extends Error {
  constructor(
    message: string,
    public readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

const tooLarge = (limit: number) => new UploadError(`The file is larger than ${Math.round(limit / (1024 * 1024))} MB, the most an upload may be. Import it from the command line (npm run import:wxr) instead.`, 413);

/**
 * Streams an uploaded export to a temporary file (owner-only), never holding
 * it in memory: a form's multipart/form-data body (its `file` field; the
 * page works without JavaScript) or a raw body (application/xml,
 * text/xml, application/octet-stream). Refuses more than `limit` bytes with
 * 413, at once when Content-Length says so, else as soon as the count passes.
 */
export async function saveUpload(request: Request, limit = UPLOAD_LIMIT_BYTES): Promise<{ file: string; fileName: string; bytes: number }> {
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared.trim()) || Number(declared) > limit + FRAMING_BYTES)) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge(limit);
  }
  if (!request.body) throw new UploadError("No file was sent.", 400);
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.headers.get("content-type") ?? "");
  if (!boundary && !/^(application\/xml|text\/xml|application\/octet-stream)/.test(type)) {
    await request.body.cancel().catch(() => undefined);
    throw new UploadError("Send the export as a file upload (multipart/form-data) or as an XML body.", 415);
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "newsroom-upload-"));
  const file = path.join(dir, `${crypto.randomUUID()}.xml`);
  const handle = await fs.promises.open(file, "wx", 0o600);
  const reader = request.body.getReader();
  let written = 0;
  const write = async (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    written += bytes.length;
    if (written > limit) throw tooLarge(limit);
    await handle.write(bytes);
  };
  try {
    let fileName = request.headers.get("x-file-name") ?? "upload.xml";
    if (boundary) {
      fileName = await readMultipartFile(reader, `--${boundary[1] ?? boundary[2]}`, write);
    } else {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await write(value);
      }
    }
    if (written === 0) throw new UploadError("The file is empty. Choose a WordPress (WXR) or Disqus export.", 400);
    await handle.close();
    return { file, fileName: path.basename(fileName).slice(0, 200) || "upload.xml", bytes: written };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await handle.close().catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Removes an upload's temporary file and its folder. */
export async function removeUpload(file: string): Promise<void> {
  await fs.promises.rm(path.dirname(file), { recursive: true, force: true });
}

/**
 * Streams the `file` part of a multipart body through `write` (other parts
 * are skipped) and answers its file name. The data's end is found by the
 * delimiter (CRLF, "--", boundary); the last delimiter-length bytes are held
 * back until the next chunk shows whether they start it.
 */
async function readMultipartFile(reader: ReadableStreamDefaultReader<Uint8Array>, dashBoundary: string, write: (b: Uint8Array) => Promise<void>): Promise<string> {
  const delimiter = Buffer.from(`\r\n${dashBoundary}`);
  let buffer: Buffer = Buffer.from("\r\n"); // the first boundary has no CRLF before it
  let state: "headers" | "file" | "skip" = "headers";
  let fileName: string | null = null;
  let found = false;
  const next = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buffer = buffer.length === 0 ? Buffer.from(value) : Buffer.concat([buffer, value]);
    return true;
  };
  for (;;) {
    if (state === "headers") {
      const start = buffer.indexOf(delimiter);
      const end = start === -1 ? -1 : buffer.indexOf("\r\n\r\n", start + delimiter.length);
      if (start === -1 || end === -1) {
        if (buffer.length > 64 * 1024) throw new UploadError("The upload is not a valid multipart form.", 400);
        if (!(await next())) break;
        continue;
      }
      const after = buffer.subarray(start + delimiter.length, start + delimiter.length + 2).toString();
      if (after === "--") break; // the closing delimiter
      const headers = buffer.subarray(start + delimiter.length, end).toString("utf8");
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      buffer = buffer.subarray(end + 4);
      if (name === "file" && filename !== undefined && filename !== "" && !found) {
        state = "file";
        found = true;
        fileName = filename;
      } else state = "skip";
      continue;
    }
    // In a part's data: everything before the delimiter is data.
    const at = buffer.indexOf(delimiter);
    if (at !== -1) {
      if (state === "file") await write(buffer.subarray(0, at));
      buffer = buffer.subarray(at);
      state = "headers";
      continue;
    }
    const keep = Math.min(buffer.length, delimiter.length - 1);
    if (state === "file") await write(buffer.subarray(0, buffer.length - keep));
    buffer = Buffer.from(buffer.subarray(buffer.length - keep));
    if (!(await next())) break;
  }
  if (!found) throw new UploadError("Choose a file to import.", 400);
  if (state === "file") throw new UploadError("The upload ended before the file did. Try again.", 400);
  return fileName || "upload.xml";
}
