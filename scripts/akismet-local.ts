/**
 * `npm run akismet:local`: the local Akismet-compatible server.
 * Port from AKISMET_LOCAL_PORT (default 3999); accepted keys from
 * AKISMET_LOCAL_KEYS (comma-separated, default "localdevkey").
 */
import { DEFAULT_LOCAL_KEYS, startLocalAkismet } from "./akismet-local/server";

async function main() {
  const port = Number(process.env.AKISMET_LOCAL_PORT ?? 3999);
  const keys = process.env.AKISMET_LOCAL_KEYS?.split(",").map((k) => k.trim()).filter(Boolean) ?? DEFAULT_LOCAL_KEYS;
  const server = await startLocalAkismet({ port, host: "127.0.0.1", keys, log: process.env.AKISMET_LOCAL_LOG === "1" });
  console.log(`Local Akismet-compatible server on ${server.url} (keys: ${keys.join(", ")})`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
