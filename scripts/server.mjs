// The production server: Next's request handler behind a plain Node HTTP
// server that records the socket's peer address in a header the app trusts
// (Next itself only fills X-Forwarded-For when the client sent none, so that
// header alone can be spoofed). `npm start` runs this after `npm run build`.
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const app = next({ dev: false, port, hostname });
const handle = app.getRequestHandler();

await app.prepare();
const server = http
  .createServer((req, res) => {
    req.headers["x-newsroom-peer-ip"] = req.socket.remoteAddress ?? "";
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
