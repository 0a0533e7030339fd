import { spawn } from "node:child_process";
import net from "node:net";
import { expect, test } from "./support/test";

const PORT = 3101; // not the e2e server's: this one must never listen

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

test("npm start with an invalid configuration exits non-zero, naming the variables, without listening", async () => {
  const child = spawn(process.execPath, ["scripts/server.mjs"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      DATABASE_PATH: ".tmp/e2e-bad-config/app.db",
      SITE_URL: `http://127.0.0.1:${PORT}`,
      AKISMET_KEY: "not-alphanumeric!",
      NEXTAUTH_SECRET: "too-short",
      TRUSTED_PROXIES: "10.0.0.1,proxy.internal",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let everListened = false;
  const poll = setInterval(() => {
    void listening(PORT).then((yes) => (everListened ||= yes));
  }, 100);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 30_000);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  clearInterval(poll);

  // A hung server would never exit; a loaded 2-core machine may take several seconds to get there.
  expect(code, `still running after 30 s; stderr:\n${stderr}`).not.toBeNull();
  expect(code).not.toBe(0);
  expect(stderr).toContain("AKISMET_KEY");
  expect(stderr).toContain("NEXTAUTH_SECRET");
  expect(stderr).toContain("TRUSTED_PROXIES");
  expect(everListened).toBe(false);
});
