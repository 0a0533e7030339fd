import { describe, expect, it } from "vitest";
import {
  BodyTooLargeError,
  payloadTooLargeResponse,
  readBodyBytes,
  readJsonBody,
  withBoundedBody,
} from "@/lib/http/body";

const LIMIT = 1024;

/** A body that arrives in chunks, as a chunked upload does, counting how many were pulled. */
function chunkedBody(chunkSize: number, chunks: number) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://localhost/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBodyBytes", () => {
  it("reads a body within the limit, exactly at the limit too", async () => {
    expect(new TextDecoder().decode(await readBodyBytes(post("hello"), LIMIT))).toBe("hello");
    expect((await readBodyBytes(post("x".repeat(LIMIT)), LIMIT)).byteLength).toBe(LIMIT);
    expect((await readBodyBytes(new Request("http://localhost/"), LIMIT)).byteLength).toBe(0);
  });

  it("refuses a body whose Content-Length is over the limit without reading it", async () => {
    const body = chunkedBody(100, 50);
    const request = post(body.stream, { "content-length": String(LIMIT + 1) });
    await expect(readBodyBytes(request, LIMIT)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(body.pulled()).toBeLessThanOrEqual(1); // a stream may pre-pull one chunk; nothing is read
  });

  it("refuses a malformed Content-Length", async () => {
    const request = new Request("http://localhost/", { method: "POST", body: "a", headers: { "content-length": "1e9" } });
    await expect(readBodyBytes(request, LIMIT)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it("cuts a chunked body without Content-Length off at the limit and cancels the rest", async () => {
    const body = chunkedBody(256, 10_000); // 2.5 MB if read to the end
    const error = await readBodyBytes(post(body.stream), LIMIT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(LIMIT);
    expect(body.pulled()).toBeLessThanOrEqual(LIMIT / 256 + 2);
    expect(body.cancelled()).toBe(true);
  });

  it("does not trust a Content-Length that understates the body", async () => {
    const body = chunkedBody(512, 100);
    await expect(readBodyBytes(post(body.stream, { "content-length": "10" }), LIMIT)).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
  });
});

describe("readJsonBody", () => {
  it("parses JSON within the limit", async () => {
    expect(await readJsonBody(post(JSON.stringify({ content: "hi" })), LIMIT)).toEqual({ ok: true, value: { content: "hi" } });
  });

  it("tells too large from invalid", async () => {
    expect(await readJsonBody(post(JSON.stringify({ content: "x".repeat(LIMIT) })), LIMIT)).toEqual({
      ok: false,
      reason: "too_large",
    });
    expect(await readJsonBody(post("{not json"), LIMIT)).toEqual({ ok: false, reason: "invalid_json" });
    expect(await readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])), LIMIT)).toEqual({ ok: false, reason: "invalid_json" });
  });
});

describe("withBoundedBody", () => {
  it("hands on a readable copy of a body within the limit", async () => {
    const copy = await withBoundedBody(post("email=a%40b.c"), LIMIT, (body) => post(body));
    expect(await copy.text()).toBe("email=a%40b.c");
  });

  it("refuses a body over the limit", async () => {
    const body = chunkedBody(512, 1000);
    await expect(withBoundedBody(post(body.stream), LIMIT, (b) => post(b))).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});

describe("payloadTooLargeResponse", () => {
  it("answers 413 with a JSON error", async () => {
    const response = payloadTooLargeResponse(64 * 1024);
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ error: "The request body is too large (at most 64 KiB)." });
  });
});
