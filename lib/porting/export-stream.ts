import "server-only";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { coalesce } from "./xml-writer";

/**
 * An export (an async sequence of text) as a web stream for a Response body:
 * the next rows are read only when the client has taken the previous chunk
 * (pull), so a slow download holds one chunk in memory, not the site. When
 * the client goes away, the export stops reading.
 */
export function exportWebStream(parts: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = coalesce(parts)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(value));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** Writes an export to a Node stream (a file, stdout), waiting whenever the stream asks to. */
export async function writeExport(parts: AsyncIterable<string>, out: Writable): Promise<void> {
  for await (const chunk of coalesce(parts)) {
    if (!out.write(chunk)) await once(out, "drain");
  }
}
