import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeLeftoverFolders } from "../support/global-setup";
import { RUNS_DIR, RUN_ID, TEMPLATE_DB, TMP_DIR } from "../support/paths";

/**
 * Two vitest runs at once (two people, or the suite's SQLite and PostgreSQL
 * passes side by side) each keep their files in their own folder; a run's
 * set-up clears only the folders of runs whose process is gone.
 */
describe("test run folders", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function folderOf(pid: number): string {
    const dir = path.join(RUNS_DIR, `run-${pid}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "template.db"), "another run's template");
    made.push(dir);
    return dir;
  }

  it("this run works in a folder of its own, named after the run", () => {
    expect(TMP_DIR).toBe(path.join(RUNS_DIR, `run-${RUN_ID}`));
    expect(fs.existsSync(TMP_DIR)).toBe(true);
    // On SQLite the run's template database is in it (on PostgreSQL the template is a database).
    if (!process.env.TEST_DATABASE_URL) expect(fs.existsSync(TEMPLATE_DB)).toBe(true);
  });

  it("leaves the folder of a run still going, removes one whose process is gone", async () => {
    // A live process standing for another run.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const live = folderOf(other.pid!);
      // A pid that is certainly gone: a process that has exited.
      const done = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      await new Promise((resolve) => done.once("exit", resolve));
      const dead = folderOf(done.pid!);

      removeLeftoverFolders();

      expect(fs.existsSync(path.join(live, "template.db"))).toBe(true);
      expect(fs.existsSync(dead)).toBe(false);
      // And this run's own folder is untouched.
      expect(fs.existsSync(TMP_DIR)).toBe(true);
    } finally {
      other.kill("SIGKILL");
    }
  });
});
