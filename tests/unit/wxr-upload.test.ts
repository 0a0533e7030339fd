import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { removeUpload, saveUpload, UploadError } from "@/lib/porting/import-upload";

/** A request whose body arrives in chunks of `size` bytes (a boundary may fall across two). */
function chunked(bytes: Uint8Array, contentType: string, size: number, headers: Record<string, string> = {}): Request {
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return new Request("http://localhost/api/admin/import", { method: "POST", body, headers: { "content-type": contentType, ...headers }, duplex: "half" } as RequestInit);
}

async function multipart(fields: Record<string, string | File>): Promise<{ bytes: Uint8Array; type: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const request = new Request("http://localhost/", { method: "POST", body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), type: request.headers.get("content-type")! };
}

describe("saving an uploaded export", () => {
  const xml = `<?xml version="1.0"?>\r\n<rss>${"x\r\n--".repeat(500)}👩‍💻</rss>\r\n`;

  it.each([1, 7, 64, 100_000])("streams the file part of a multipart form to a file (chunks of %i bytes)", async (size) => {
    const { bytes, type } = await multipart({ other: "ignored", file: new File([xml], "export.xml", { type: "text/xml" }) });
    const saved = await saveUpload(chunked(bytes, type, size));
    try {
      expect(saved.fileName).toBe("export.xml");
      expect(fs.readFileSync(saved.file, "utf8")).toBe(xml);
      expect(saved.bytes).toBe(Buffer.byteLength(xml));
    } finally {
      await removeUpload(saved.file);
    }
  });

  it("takes a raw XML body too", async () => {
    const saved = await saveUpload(chunked(new TextEncoder().encode(xml), "application/xml", 10, { "x-file-name": "../../etc/dump.xml" }));
    try {
      expect(fs.readFileSync(saved.file, "utf8")).toBe(xml);
      expect(saved.fileName).toBe("dump.xml");
    } finally {
      await removeUpload(saved.file);
    }
  });

  it("refuses more than the limit with 413, from Content-Length or while counting", async () => {
    const { bytes, type } = await multipart({ file: new File(["y".repeat(5000)], "big.xml") });
    const counted = await saveUpload(chunked(bytes, type, 512), 4000).catch((e: unknown) => e);
    expect(counted).toBeInstanceOf(UploadError);
    expect((counted as UploadError).status).toBe(413);
    const declared = await saveUpload(chunked(bytes, type, 512, { "content-length": String(1024 * 1024 * 1024) })).catch((e: unknown) => e);
    expect((declared as UploadError).status).toBe(413);
  });

  it("says so when no file was chosen or the file is empty", async () => {
    const none = await multipart({ file: new File([], "") });
    await expect(saveUpload(chunked(none.bytes, none.type, 50))).rejects.toThrow("Choose a file to import.");
    const empty = await multipart({ file: new File([], "empty.xml") });
    await expect(saveUpload(chunked(empty.bytes, empty.type, 50))).rejects.toThrow("The file is empty.");
  });
});
