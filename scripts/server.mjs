// The production server: Next's request handler behind a plain Node HTTP
// server that records the socket's peer address in a header the app trusts
// (Next itself only fills X-Forwarded-For when the client sent none, so that
// header alone can be spoofed). `npm start` runs this after `npm run build`.
//
// It listens only once the app's start-up (instrumentation.ts: environment
// check, migrations, seed) has succeeded; when start-up fails, the process
// prints why and exits with status 1 instead of serving 500s that a load
// balancer's health check would take for a live server.
import crypto from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";
import Negotiator from "negotiator";
import next from "next";
import { bodyHeld, boundedCompression } from "./compression.mjs";
import { reducePageQuery } from "./page-query.mjs";
import { recordPeerAddress } from "./peer-address.mjs";
import securityHeadersModule from "./security-headers.cjs";

const STARTUP_REPORT_KEY = Symbol.for("newsroom.startup-report"); // lib/server/start.ts
const STARTUP_TIMEOUT_MS = 60_000;

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";

/** Resolves with the app's start-up report, which instrumentation.ts sends when it runs. */
const startup = new Promise((resolve) => {
  globalThis[STARTUP_REPORT_KEY] = resolve;
  setTimeout(
    () => resolve({ ok: false, message: `the app's start-up (instrumentation.ts) did not report within ${STARTUP_TIMEOUT_MS / 1000} s` }),
    STARTUP_TIMEOUT_MS,
  ).unref();
});

function fail(message) {
  console.error(`[server] Not starting: ${message}`);
  process.exit(1);
}

// Where the app reaches itself (lib/cache/invalidation.ts expires cached
// pages changed by background jobs through a request to this server).
const loopback = ["0.0.0.0", "localhost", "127.0.0.1"].includes(hostname) ? "127.0.0.1" : hostname === "::" ? "[::1]" : hostname.includes(":") ? `[${hostname}]` : hostname;
process.env.NEWSROOM_INTERNAL_URL = `http://${loopback}:${port}`;

const app = next({ dev: false, port, hostname });
const handle = app.getRequestHandler();
try {
  await app.prepare();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
// Next runs instrumentation's register() as it prepares, without waiting for
// it in production; wait here so nothing is served before it succeeded.
const report = await startup;
if (!report.ok) fail(report.message);

/** Whether a GET's If-None-Match names the ETag the answer carries. */
function notModified(req, res, status) {
  const tags = req.headers["if-none-match"];
  const etag = res.getHeader("etag");
  if (!tags || typeof etag !== "string" || status !== 200 || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const bare = (tag) => tag.trim().replace(/^W\//, "");
  return tags.trim() === "*" || tags.split(",").some((tag) => bare(tag) === bare(etag));
}

/** Fixes on the way out of Next (docs/decisions/013). */
function tidyResponse(req, res) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    // Every answer carrying an ETag (cached pages, tagged in end() below; the
    // feed, by its route) gets its 304 here. Node sends no body with a 304.
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    if (notModified(req, this, status)) {
      args[0] = 304;
      for (const name of ["content-length", "content-type", "content-encoding"]) this.removeHeader(name);
      if (args.length > 1 && typeof args.at(-1) === "object" && args.at(-1) !== null && !Array.isArray(args.at(-1))) {
        const headers = { ...args.at(-1) };
        for (const key of Object.keys(headers)) if (/^content-(length|type|encoding)$/i.test(key)) delete headers[key];
        args[args.length - 1] = headers;
      }
    }
    // Next 16 answers a cached page's redirect (an old article address) with
    // its Location twice, which clients refuse: keep one.
    const location = this.getHeader("location");
    if (Array.isArray(location) && new Set(location).size === 1) this.setHeader("location", location[0]);
    return writeHead.apply(this, args);
  };
  // A shareable answer (a cached page, the front page, the feed) is encoded,
  // compressed and given its ETag once per distinct body, not per request:
  // on a 280 KB page Next's per-request ETag hash and Node's encoding of the
  // string were half the time of serving it from the cache, and gzip would
  // be several times more.
  const end = res.end;
  res.end = function (chunk, encoding, callback) {
    const done = typeof encoding === "function" ? encoding : callback;
    // Not a last chunk after earlier writes (held by compression.mjs until the end): that is not the whole body.
    if (typeof chunk === "string" && !this.headersSent && !bodyHeld(this) && this.statusCode === 200 && shareable(this)) {
      const gzip = new Negotiator(req).encoding(["gzip", "identity"]) === "gzip";
      const variant = representation(chunk, gzip);
      this.setHeader("ETag", variant.etag);
      const vary = String(this.getHeader("vary") ?? "");
      if (!/accept-encoding/i.test(vary)) this.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
      // A matching If-None-Match turns this into a 304 in writeHead above.
      if (gzip) this.setHeader("Content-Encoding", "gzip");
      this.setHeader("Content-Length", variant.body.length);
      this[ENCODED_HERE] = true;
      return end.call(this, req.method === "HEAD" ? undefined : variant.body, done);
    }
    return end.apply(this, arguments);
  };
}

const ENCODED_HERE = Symbol("encoded here");

/** A response every reader may share. */
function shareable(res) {
  return String(res.getHeader("cache-control") ?? "").startsWith("public");
}

/** Recent shareable bodies, encoded and gzipped, with ETags (the same string object hits at once). */
const recentBodies = new Map();
function representation(text, gzip) {
  let hit = recentBodies.get(text);
  if (!hit) {
    const body = Buffer.from(text, "utf8");
    const hash = crypto.createHash("sha1").update(body).digest("base64url");
    hit = { identity: { body, etag: `"${hash}"` }, gzip: null, hash };
    recentBodies.set(text, hit);
    if (recentBodies.size > 16) recentBodies.delete(recentBodies.keys().next().value);
  }
  if (!gzip) return hit.identity;
  hit.gzip ??= { body: zlib.gzipSync(hit.identity.body, { level: 6 }), etag: `"${hit.hash}-gzip"` };
  return hit.gzip;
}

// Compression for everything else (per-visitor pages, API answers, static
// files); Next's is off (next.config.js) so that the shareable pages above
// are compressed once, not per request. Its memory is bounded however many
// connections wait (scripts/compression.mjs, docs/decisions/021): a body
// complete within one turn of the event loop is compressed in one call, and
// at most 16 responses are compressed as streams at once.
const compressor = boundedCompression({ skip: (res) => res[ENCODED_HERE] === true });

// The personal request (GET /api/articles/<slug>/personal) is answered here,
// not by Next: every signed-in or remembered reader with JavaScript asks it
// once per article view, and Next's handling of a request cost more than the
// answer (docs/decisions/022, "Speed"). The app registers the function that
// builds it (lib/comments/personal-answer.ts, the same as the route's) when it
// starts; without it, Next's route answers.
const PERSONAL_PATH = /^\/api\/articles\/([^/?#]+)\/personal(?:\?.*)?$/;
/** The headers next.config.js has Next send with every response. */
const SECURITY_HEADERS = Object.fromEntries(securityHeadersModule.securityHeaders(false).map(({ key, value }) => [key, value]));
const PERSONAL_ANSWER_KEY = Symbol.for("newsroom.personal-answer");
function personalFastPath(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const build = globalThis[PERSONAL_ANSWER_KEY];
  const match = typeof build === "function" ? PERSONAL_PATH.exec(req.url ?? "") : null;
  if (!match) return false;
  let slug;
  try {
    slug = decodeURIComponent(match[1]);
  } catch {
    return false; // Next answers a malformed address
  }
  build(slug, req.headers.cookie).then(
    ({ status, headers, body }) => {
      res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    },
    (error) => {
      console.error("[server] the personal request failed:", error);
      if (res.headersSent) return res.destroy();
      res.writeHead(500, { ...SECURITY_HEADERS, "Content-Type": "application/json", "Cache-Control": "private, no-store", Vary: "Cookie" });
      res.end(JSON.stringify({ error: "Something went wrong on our side; please try again." }));
    },
  ).catch((error) => {
    // Writing the answer failed (the client went away): nothing more to send.
    console.error("[server] answering the personal request failed:", error);
    res.destroy();
  });
  return true;
}

const server = http
  .createServer((req, res) => {
    recordPeerAddress(req);
    // A cached page is rendered from the address of whoever asks first:
    // parameters the page does not read (?utm_source=…) are dropped first.
    reducePageQuery(req);
    compressor.streaming(req, res, () => {
      compressor.wholeBodies(req, res);
      tidyResponse(req, res);
      if (!personalFastPath(req, res)) handle(req, res);
    });
  })
  .listen(port, hostname, () => {
    console.log(`▲ Ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
  });

// Stop taking connections, let requests in flight finish (a comment being
// checked is stored before its answer goes out), then exit.
function shutdown() {
  server.close(() => process.exit(0));
  // Open pages' live streams (lib/comments/live.ts) end, so their connections go idle too.
  globalThis[Symbol.for("newsroom.live-close-all")]?.();
  server.closeIdleConnections();
  setTimeout(() => server.closeIdleConnections(), 100).unref();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
