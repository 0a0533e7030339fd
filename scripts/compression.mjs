// Per-request compression for scripts/server.mjs, with a bound on the memory
// it takes under concurrent load (docs/decisions/021-compression-memory.md).
//
// The `compression` middleware gives every compressed response a zlib or
// Brotli stream of its own: about 0.25 MiB of native memory for gzip and
// 0.6 MiB for Brotli (quality 4, which browsers get: they all accept `br`),
// allocated on libuv's worker threads and held until the response has been
// sent. Each stream needs several turns of the event loop to finish, so under
// load the number alive grows with the number of connections waiting: at 200
// connections asking for the comment API with a browser's Accept-Encoding,
// they held 75 MiB more than the same load uncompressed. Two changes bound it:
//
// 1. A response whose whole body is known by the time it ends (a route
//    handler's JSON, an error page, anything written and ended within one
//    turn of the event loop) is compressed in one synchronous call: its
//    compressor exists only during that call, so however many connections
//    wait, one compressor's memory is in use at a time. Writes are held
//    (and `flushHeaders`/`flush` deferred) until the response ends or, at
//    the latest, until the end of the current turn of the event loop
//    (setImmediate) or ONE_SHOT_LIMIT_BYTES, whichever comes first.
// 2. A response still being written after that (a page React streams) is
//    compressed as before by the `compression` middleware, but at most
//    MAX_STREAMING_COMPRESSORS at once; a response that starts while they are
//    all busy is sent uncompressed (identity is always acceptable), and the
//    slot is given back when the response closes.
//
// Bound: MAX_STREAMING_COMPRESSORS streams (each under 1 MiB of native memory,
// Brotli with a 300 KB page) plus one one-shot compressor, whatever the
// number of connections.
import zlib from "node:zlib";
import compression from "compression";
import Negotiator from "negotiator";

/** At most this many streaming compressors are alive at once (bound 2 above). */
export const MAX_STREAMING_COMPRESSORS = 16;
/** A body held for one-shot compression is streamed instead once it reaches this size. */
export const ONE_SHOT_LIMIT_BYTES = 1024 * 1024;
/** Smaller bodies are sent as they are (the `compression` middleware's default). */
export const THRESHOLD_BYTES = 1024;

// As the `compression` middleware negotiates: Brotli first, then gzip.
const SUPPORTED = ["br", "gzip", "deflate", "identity"];
const PREFERRED = ["br", "gzip"];
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
/** Brotli quality 4: the `compression` middleware's default. */
const BROTLI_QUALITY = 4;

/** Set on a response once the one-shot path has sent it (compressed or not): no stream is made for it. */
const DECIDED = Symbol("compression decided");
/** Set while writes are held: the body is not yet known to be complete. */
const HELD = Symbol("body held");
/** Set when the response has closed (sent, or its client went away). */
const CLOSED = Symbol("response closed");

/** Whether part of the response's body is being held for one-shot compression (scripts/server.mjs). */
export function bodyHeld(res) {
  return res[HELD] === true;
}

/** Adds Accept-Encoding to the response's Vary, once. */
function varyOnAcceptEncoding(res) {
  const vary = res.getHeader("vary");
  const value = Array.isArray(vary) ? vary.join(", ") : String(vary ?? "");
  if (value.trim() === "*" || /(^|,)\s*accept-encoding\s*(,|$)/i.test(value)) return;
  res.setHeader("Vary", value ? `${value}, Accept-Encoding` : "Accept-Encoding");
}

/** The status has no body to compress. */
function bodiless(req, res) {
  const status = res.statusCode;
  return req.method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * The encoding to compress this response with, as the `compression`
 * middleware would choose it, or null. `length`: the body's size, when known.
 */
function negotiate(req, res, length) {
  if (bodiless(req, res)) return null;
  const current = res.getHeader("content-encoding");
  if (current !== undefined && String(current).toLowerCase() !== "identity") return null;
  if (!compression.filter(req, res)) return null; // a compressible Content-Type
  if (NO_TRANSFORM.test(String(res.getHeader("cache-control") ?? ""))) return null;
  varyOnAcceptEncoding(res);
  if (length !== undefined && length < THRESHOLD_BYTES) return null;
  if (!req.headers["accept-encoding"]) return null;
  const method = new Negotiator(req).encoding(SUPPORTED, PREFERRED);
  return method && method !== "identity" ? method : null;
}

/** Compresses a whole body in one call: the compressor's memory is freed before it returns. */
function encodeWhole(method, body) {
  if (method === "br") {
    return zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
  }
  return method === "gzip" ? zlib.gzipSync(body) : zlib.deflateSync(body);
}

const toBuffer = (chunk, encoding) => (Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8"));

/**
 * Per-request compression with a bound on its memory (see the top of this
 * file). Use it in two steps around whatever else wraps the response:
 *
 *   compressor.streaming(req, res, () => {
 *     // ...other wrappers of res.writeHead/res.end...
 *     compressor.wholeBodies(req, res);
 *     handle(req, res);
 *   });
 *
 * `skip(res)`: a response encoded by the caller itself (left as it is).
 */
export function boundedCompression({
  maxStreaming = MAX_STREAMING_COMPRESSORS,
  oneShotLimit = ONE_SHOT_LIMIT_BYTES,
  skip = () => false,
} = {}) {
  const stats = { streaming: 0, peakStreaming: 0, streamed: 0, uncompressedWhenBusy: 0, oneShot: 0 };

  /** The middleware's filter: takes a streaming slot, or answers uncompressed when none is free. */
  function takeStreamingSlot(req, res) {
    // A response already closed would never give its slot back.
    if (res[CLOSED] || res.destroyed || skip(res) || res[DECIDED] || negotiate(req, res, undefined) === null) return false;
    if (stats.streaming >= maxStreaming) {
      stats.uncompressedWhenBusy += 1;
      return false;
    }
    stats.streaming += 1;
    stats.streamed += 1;
    stats.peakStreaming = Math.max(stats.peakStreaming, stats.streaming);
    // The middleware releases its stream when the response closes, too.
    res.once("close", () => (stats.streaming -= 1));
    return true;
  }
  const middleware = compression({ filter: takeStreamingSlot, threshold: THRESHOLD_BYTES });
  function streaming(req, res, next) {
    res.once("close", () => (res[CLOSED] = true));
    middleware(req, res, next);
  }

  /** Holds the body until the response ends within this turn of the event loop, then compresses it in one call. */
  function wholeBodies(req, res) {
    const write = res.write;
    const end = res.end;
    const flushHeaders = res.flushHeaders;
    const flush = res.flush;
    let through = false;
    let held = [];
    let heldBytes = 0;
    let wantHeaders = false;
    let wantFlush = false;
    let scheduled = false;
    const passing = () => through || res.headersSent;

    /** Too long or too large to hold: send what is held, and everything after it, through the streaming path. */
    function release() {
      if (through) return;
      through = true;
      res[HELD] = false;
      const chunks = held;
      held = [];
      if (res.destroyed) return; // the client went away: nothing to send
      if (chunks.length === 0 && wantHeaders && !res.headersSent) flushHeaders.call(res);
      for (const [chunk, encoding, callback] of chunks) write.call(res, chunk, encoding, callback);
      if (wantFlush && typeof flush === "function") flush.call(res);
    }
    function schedule() {
      if (scheduled) return;
      scheduled = true;
      setImmediate(release);
    }

    res.flushHeaders = function (...args) {
      if (passing()) return flushHeaders.apply(this, args);
      wantHeaders = true;
      schedule();
    };
    res.flush = function (...args) {
      if (passing()) return typeof flush === "function" ? flush.apply(this, args) : undefined;
      wantFlush = true;
    };
    res.write = function (chunk, encoding, callback) {
      if (passing()) return write.apply(this, arguments);
      if (typeof encoding === "function") [encoding, callback] = [undefined, encoding];
      if (chunk === undefined || chunk === null) return write.apply(this, arguments);
      const buffer = toBuffer(chunk, encoding);
      held.push([buffer, undefined, callback]);
      heldBytes += buffer.length;
      res[HELD] = true;
      if (heldBytes >= oneShotLimit) release();
      else schedule();
      return true;
    };
    res.end = function (chunk, encoding, callback) {
      if (passing()) return end.apply(this, arguments);
      through = true;
      res[HELD] = false;
      if (typeof chunk === "function") [chunk, encoding, callback] = [undefined, undefined, chunk];
      else if (typeof encoding === "function") [encoding, callback] = [undefined, encoding];
      const parts = held.map(([buffer]) => buffer);
      const callbacks = held.map(([, , cb]) => cb).filter((cb) => typeof cb === "function");
      held = [];
      if (chunk !== undefined && chunk !== null) parts.push(toBuffer(chunk, encoding));
      const done =
        callbacks.length === 0
          ? callback
          : (...args) => {
              for (const cb of callbacks) cb(...args);
              if (typeof callback === "function") callback(...args);
            };
      res[DECIDED] = true;
      // (The middleware's end takes (chunk, encoding): a callback goes second.)
      if (parts.length === 0) return end.call(this, undefined, done);
      const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      const method = skip(res) ? null : negotiate(req, res, body.length);
      if (method === null || body.length >= oneShotLimit) {
        if (body.length >= oneShotLimit) res[DECIDED] = false; // large: the streaming path may take it
        return end.call(this, body, done);
      }
      const encoded = encodeWhole(method, body);
      stats.oneShot += 1;
      res.setHeader("Content-Encoding", method);
      res.setHeader("Content-Length", encoded.length);
      return end.call(this, encoded, done);
    };
  }

  return { streaming, wholeBodies, stats };
}
