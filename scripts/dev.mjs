// `npm run dev`: the local Akismet-compatible server, the local SMTP server and
// `next dev`, together. AKISMET_URL, AKISMET_KEY and SMTP_URL point at the
// local servers unless already set (the mail lands in the inbox page it prints).
import { spawn } from "node:child_process";

const akismetPort = process.env.AKISMET_LOCAL_PORT ?? "3999";
const env = {
  ...process.env,
  AKISMET_LOCAL_PORT: akismetPort,
  AKISMET_URL: process.env.AKISMET_URL ?? `http://127.0.0.1:${akismetPort}`,
  AKISMET_KEY: process.env.AKISMET_KEY ?? "localdevkey",
  SMTP_URL: process.env.SMTP_URL ?? `smtp://127.0.0.1:${process.env.SMTP_LOCAL_PORT ?? "2525"}`,
};

const children = [
  // Node itself, not npx, so that stopping a child stops the server (npx would leave it running).
  spawn(process.execPath, ["--import", "tsx", "scripts/akismet-local.ts"], { env, stdio: "inherit" }),
  ...(process.env.SMTP_URL ? [] : [spawn(process.execPath, ["--import", "tsx", "scripts/smtp-local.ts"], { env, stdio: "inherit" })]),
  spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", "--port", process.env.PORT ?? "3000"], { env, stdio: "inherit" }),
];

const stop = (code = 0) => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exit(code);
};
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
