/**
 * `npm run smtp:local`: the local SMTP server for development and tests.
 * SMTP on SMTP_LOCAL_PORT (default 2525), its inbox page and test controls
 * on SMTP_LOCAL_HTTP_PORT (default 2580). Run the site with
 * SMTP_URL=smtp://127.0.0.1:2525 to send it mail.
 */
import { startLocalSmtp } from "./smtp-local/server";

async function main() {
  const server = await startLocalSmtp({
    smtpPort: Number(process.env.SMTP_LOCAL_PORT ?? 2525),
    httpPort: Number(process.env.SMTP_LOCAL_HTTP_PORT ?? 2580),
    log: process.env.SMTP_LOCAL_LOG !== "0",
  });
  console.log(`Local SMTP server on ${server.smtpUrl} (nothing is delivered); inbox at ${server.httpUrl}/`);
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
