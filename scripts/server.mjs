// The production server: Next's request handler behind a plain Node HTTP
// server that records the socket's peer address in a header the app trusts
// (Next itself only fills X-Forwarded-For when the client sent none, so that
// header alone can be spoofed). `npm start` runs this after `npm run build`.
//
// It listens only once the app's start-up (instrumentation.ts: environment
// check, migrations, seed) has succeeded; when start-up fails, the process
// prints why and exits with status 1 instead of serving 500s that a load
// balancer's health check would take for a live server.
import http from "node:http";
import next from "next";
import { recordPeerAddress } from "./peer-address.mjs";

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

const server = http
  .createServer((req, res) => {
    recordPeerAddress(req);
    handle(req, res);
  })
  .listen(port, hostname, () => {
    console.log(`▲ Ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
  });

// Stop taking connections, let requests in flight finish (a comment being
// checked is stored before its answer goes out), then exit.
function shutdown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
