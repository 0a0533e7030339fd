// Runs one lane process (e2e/support/global-setup.ts) and ends it when the
// test run that started it is gone: a run killed before its teardown (Ctrl-C
// twice, a CI time-out, kill -9) must not leave servers holding the lanes'
// ports. Usage: node lane-process.mjs <parent pid> <command> [args...]
import { spawn } from "node:child_process";

const [parentPid, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: "inherit" });

function stop(signal) {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => stop(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

const watch = setInterval(() => {
  try {
    process.kill(Number(parentPid), 0);
  } catch {
    clearInterval(watch);
    // The whole process group this watcher leads (npx → tsx → node under it); this watcher
    // handles SIGTERM itself (above) and exits when its child has.
    process.kill(-process.pid, "SIGTERM");
    setTimeout(() => process.kill(-process.pid, "SIGKILL"), 5_000).unref();
  }
}, 1_000);
