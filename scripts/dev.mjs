// `npm run dev`: the local Akismet-compatible server and `next dev`, together.
// AKISMET_URL and AKISMET_KEY point at the local server unless already set.
import { spawn } from "node:child_process";

const akismetPort = process.env.AKISMET_LOCAL_PORT ?? "3999";
const env = {
  ...process.env,
  AKISMET_LOCAL_PORT: akismetPort,
  AKISMET_URL: process.env.AKISMET_URL ?? `http://127.0.0.1:${akismetPort}`,
  AKISMET_KEY: process.env.AKISMET_KEY ?? "localdevkey",
};

const children = [
  spawn("npx", ["tsx", "scripts/akismet-local.ts"], { env, stdio: "inherit" }),
  spawn("npx", ["next", "dev", "--port", process.env.PORT ?? "3000"], { env, stdio: "inherit" }),
];

const stop = (code = 0) => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exit(code);
};
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
