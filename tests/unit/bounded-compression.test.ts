/**
 * The server's per-request compression (scripts/compression.mjs,
 * docs/decisions/021): its native memory is bounded whatever the number of
 * connections. Bodies are written to a real HTTP server the way Next writes a
 * route handler's answer (next/dist/server/pipe-readable.js: flushHeaders,
 * write, flush, then end), and the answers are decoded byte for byte.
 */
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { pipeToNodeResponse } from "next/dist/server/pipe-readable.js";
import { MAX_STREAMING_COMPRESSORS, bodyHeld, boundedCompression } from "../../scripts/compression.mjs";

const BROWSER = "gzip, deflate, br, zstd";
/** The `compression` middleware (no type declarations installed), as scripts/server.mjs used it before. */
const compression = createRequire(import.meta.url)("compression") as () => (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;
type Compressor = ReturnType<typeof boundedCompression>;

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server doing what scripts/server.mjs does around Next's handler. */
async function serve(compressor: Compressor, handler: Handler, seen: { heldAtEnd?: boolean[] } = {}) {
  const server = http.createServer((req, res) => {
    compressor.streaming(req, res, () => {
      compressor.wholeBodies(req, res);
      // As tidyResponse does: a wrapper outside that looks at what reaches end().
      const end = res.end;
      res.end = function (this: http.ServerResponse, ...args: unknown[]) {
        seen.heldAtEnd?.push(bodyHeld(res));
        return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
      } as typeof res.end;
      void handler(req, res);
    });
  });
  servers.push(server);
  // Many connections at once: the default backlog is enough, keep-alive off.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Counts the streaming compressors alive at once (each holds its native
 * state, 0.25 to 1 MiB, until it closes): zlib's stream constructors, which
 * the `compression` middleware calls, counted from creation to close.
 */
function countStreams() {
  // The module object the middleware requires; its functions are
  // non-writable but configurable properties.
  const zlibModule = createRequire(import.meta.url)("node:zlib") as object;
  const names = ["createGzip", "createDeflate", "createBrotliCompress"] as const;
  const originals = names.map((name) => Object.getOwnPropertyDescriptor(zlibModule, name)!);
  const count = { alive: 0, peak: 0, made: 0 };
  names.forEach((name, i) => {
    const original = originals[i]!.value as (...args: unknown[]) => zlib.Gzip;
    const counted = (...args: unknown[]) => {
      const stream = original(...args);
      count.made += 1;
      count.alive += 1;
      count.peak = Math.max(count.peak, count.alive);
      stream.once("close", () => (count.alive -= 1));
      return stream;
    };
    Object.defineProperty(zlibModule, name, { ...originals[i], value: counted });
  });
  return {
    count,
    restore: () => names.forEach((name, i) => Object.defineProperty(zlibModule, name, originals[i]!)),
  };
}

type Answer = { status: number; encoding: string; vary: string; body: Buffer };

function get(url: string, headers: Record<string, string> = { "accept-encoding": BROWSER }, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = String(res.headers["content-encoding"] ?? "identity");
        const body =
          encoding === "br" ? zlib.brotliDecompressSync(raw) : encoding === "gzip" ? zlib.gunzipSync(raw) : encoding === "deflate" ? zlib.inflateSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, encoding, vary: String(res.headers.vary ?? ""), body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A comment API answer: about 6 KB of JSON, different for each request. */
function commentsJson(n: number): string {
  const comments = Array.from({ length: 10 }, (_, i) => ({
    id: n * 100 + i,
    author: { name: `Reader ${n}-${i}`, url: null },
    content: `Comment ${i} on request ${n}: ${"a reasonably long sentence about the article, ".repeat(10)}`,
  }));
  return JSON.stringify({ page: 1, perPage: 10, comments });
}

/**
 * Next's route handler path: the Response body piped into the Node response,
 * after a millisecond of work on the event loop (Next's own, the query, the
 * JSON), as on a busy server, where answers wait for each other.
 */
const routeHandler: Handler = async (req, res) => {
  const n = Number(new URL(req.url!, "http://x").searchParams.get("n"));
  await new Promise((r) => setImmediate(r));
  for (const until = performance.now() + 1; performance.now() < until; );
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  await pipeToNodeResponse(new Response(commentsJson(n)).body!, res as never);
};

/** A page React streams: a first chunk, then the rest a little later. */
function streamedPage(delayMs: number): Handler {
  return async (req, res) => {
    const n = Number(new URL(req.url!, "http://x").searchParams.get("n"));
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(`<!doctype html><p>page ${n} head ${"x".repeat(2000)}</p>`));
        await new Promise((r) => setTimeout(r, delayMs));
        controller.enqueue(encoder.encode(`<p>page ${n} rest ${"y".repeat(4000)}</p>`));
        controller.close();
      },
    });
    await pipeToNodeResponse(body, res as never);
  };
}

/** `n` GETs of `<url><path>?n=<i>` at once, and the count of compressors made meanwhile. */
async function simultaneousGets(url: string, path: string, n: number): Promise<{ answers: Answer[]; count: ReturnType<typeof countStreams>["count"] }> {
  const streams = countStreams();
  try {
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => get(`${url}${path}?n=${i}`)));
    return { answers, count: streams.count };
  } finally {
    streams.restore();
  }
}

describe("bounded compression", () => {
  it("without the bound: the compression middleware alone keeps one compressor per answer in flight", async () => {
    // The cause (docs/decisions/021): what scripts/server.mjs used before. A
    // compressor is made at an answer's first write and lives until it is
    // sent; on a busy server every waiting connection's answer is in flight
    // (measured: 170 to 199 alive at 200 connections, 75 MiB more RSS).
    const plain = compression();
    const url = await serve({ streaming: plain, wholeBodies: () => {}, stats: {} } as unknown as Compressor, streamedPage(200));
    const { answers, count } = await simultaneousGets(url, "/page", 80);
    expect(answers.every((a) => a.encoding === "br")).toBe(true);
    expect(count.made).toBe(80);
    expect(count.peak).toBeGreaterThan(MAX_STREAMING_COMPRESSORS);
  });

  it("compresses 200 simultaneous route-handler answers in one call each: no compressor outlives its call", async () => {
    const compressor = boundedCompression();
    const url = await serve(compressor, routeHandler);
    const { answers, count } = await simultaneousGets(url, "/api", 200);
    expect(count.made).toBe(0);
    answers.forEach((a, n) => {
      expect(a.status).toBe(200);
      expect(a.encoding).toBe("br"); // what a browser gets, as from the `compression` middleware
      expect(a.vary).toMatch(/accept-encoding/i);
      expect(a.body.toString()).toBe(commentsJson(n));
    });
    expect(compressor.stats.oneShot).toBe(200);
    // No streaming compressor was made: the memory held for compression is
    // one call's, not one compressor per waiting connection.
    expect(compressor.stats.streamed).toBe(0);
    expect(compressor.stats.peakStreaming).toBe(0);
  });

  it("negotiates as before: gzip when asked for, none without Accept-Encoding, none under the threshold", async () => {
    const compressor = boundedCompression();
    const url = await serve(compressor, async (req, res) => {
      const small = req.url!.includes("small");
      res.setHeader("Content-Type", "application/json");
      await pipeToNodeResponse(new Response(small ? '{"ok":true}' : commentsJson(1)).body!, res as never);
    });
    const gzip = await get(`${url}/big`, { "accept-encoding": "gzip" });
    expect(gzip.encoding).toBe("gzip");
    expect(gzip.body.toString()).toBe(commentsJson(1));
    const plain = await get(`${url}/big`, {});
    expect(plain.encoding).toBe("identity");
    expect(plain.body.toString()).toBe(commentsJson(1));
    const small = await get(`${url}/small`);
    expect(small.encoding).toBe("identity");
    expect(small.vary).toMatch(/accept-encoding/i);
    expect(small.body.toString()).toBe('{"ok":true}');
    const head = await get(`${url}/big`, { "accept-encoding": BROWSER }, "HEAD");
    expect(head.encoding).toBe("identity");
    expect(head.body.length).toBe(0);
  });

  it("holds earlier writes until the end, so a wrapper outside never mistakes the last chunk for the whole body", async () => {
    const compressor = boundedCompression();
    const seen = { heldAtEnd: [] as boolean[] };
    const url = await serve(
      compressor,
      (_req, res) => {
        res.setHeader("Content-Type", "text/plain");
        res.write("first part, ".repeat(100));
        res.end("last part");
      },
      seen,
    );
    const a = await get(url);
    expect(a.body.toString()).toBe(`${"first part, ".repeat(100)}last part`);
    expect(a.encoding).toBe("br");
    expect(seen.heldAtEnd).toEqual([true]);
  });

  it("calls the callbacks of held writes and of end()", async () => {
    const compressor = boundedCompression();
    const calls: string[] = [];
    const url = await serve(compressor, (_req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.write("held ".repeat(400), () => calls.push("write"));
      res.end(() => calls.push("end"));
    });
    const a = await get(url);
    expect(a.body.toString()).toBe("held ".repeat(400));
    expect(a.encoding).toBe("br");
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.sort()).toEqual(["end", "write"]);
  });

  it("leaves a response the caller encoded itself as it is", async () => {
    const compressor = boundedCompression({ skip: (res) => res.getHeader("x-encoded-here") === "1" });
    const url = await serve(compressor, (_req, res) => {
      res.setHeader("Content-Type", "text/html");
      res.setHeader("x-encoded-here", "1");
      res.end("<p>already the bytes to send</p>".repeat(100));
    });
    const a = await get(url);
    expect(a.encoding).toBe("identity");
    expect(a.body.toString()).toBe("<p>already the bytes to send</p>".repeat(100));
  });

  it(`streams a body still being written, with at most ${MAX_STREAMING_COMPRESSORS} compressors alive; beyond that, answers uncompressed`, async () => {
    const compressor = boundedCompression();
    const url = await serve(compressor, streamedPage(100));
    const { answers, count } = await simultaneousGets(url, "/page", 80);
    expect(count.peak).toBeLessThanOrEqual(MAX_STREAMING_COMPRESSORS);
    answers.forEach((a, n) => {
      expect(a.status).toBe(200);
      expect(a.body.toString()).toBe(`<!doctype html><p>page ${n} head ${"x".repeat(2000)}</p><p>page ${n} rest ${"y".repeat(4000)}</p>`);
    });
    const compressed = answers.filter((a) => a.encoding === "br").length;
    expect(compressor.stats.peakStreaming).toBe(MAX_STREAMING_COMPRESSORS);
    expect(compressor.stats.streamed).toBe(compressed);
    expect(compressor.stats.uncompressedWhenBusy).toBe(80 - compressed);
    expect(compressed).toBeGreaterThanOrEqual(MAX_STREAMING_COMPRESSORS);
    // Every slot is given back when its response closes.
    await new Promise((r) => setTimeout(r, 50));
    expect(compressor.stats.streaming).toBe(0);
    const after = await get(`${url}/page?n=0`);
    expect(after.encoding).toBe("br");
  });

  it("keeps no slot for an answer whose client went away while its body was held", async () => {
    const compressor = boundedCompression();
    const url = await serve(compressor, (req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.write("held ".repeat(400));
      // Before the held body is released at the end of this turn.
      if (req.url === "/response") res.destroy();
      else req.socket.destroy();
    });
    await expect(get(`${url}/response`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(compressor.stats.streamed).toBe(0); // destroyed: nothing released, no compressor
    await expect(get(`${url}/socket`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(compressor.stats.streaming).toBe(0); // its slot came back when it closed
  });

  it("streams a held body that reaches the one-shot limit instead of holding more", async () => {
    const compressor = boundedCompression({ oneShotLimit: 64 * 1024 });
    const big = "z".repeat(40 * 1024);
    const url = await serve(compressor, async (_req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.write(big);
      res.write(big); // 80 KiB held: past the limit
      await new Promise((r) => setTimeout(r, 10));
      res.end(big);
    });
    const a = await get(url);
    expect(a.encoding).toBe("br");
    expect(a.body.toString()).toBe(big.repeat(3));
    expect(compressor.stats.streamed).toBe(1);
    expect(compressor.stats.oneShot).toBe(0);
  });
});
