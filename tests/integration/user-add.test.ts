import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/auth/options";
import { getAccountForSignIn } from "@/lib/auth/users";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const run = promisify(execFile);

/** `npm run user:add -- <args>` with `input` on standard input (a pipe, not a terminal), on this file's database. */
function userAdd(args: string[], input: string) {
  const child = run(process.execPath, [...TSX_NODE_ARGS, "scripts/user-add.ts", ...args], {
    env: { ...process.env },
    timeout: 60_000,
  });
  child.child.stdin!.end(input);
  return child;
}

describe("npm run user:add with the password on standard input", () => {
  it("creates an account that signs in with that password (stdin is not a terminal)", async () => {
    const { stdout } = await userAdd(["--email", "cli-stdin@example.com", "--role", "editor", "--name", "Cli Editor"], "a password from stdin\n");
    expect(stdout).toMatch(/^Created editor cli-stdin@example\.com \(id \d+\)\./);
    expect(await getAccountForSignIn("cli-stdin@example.com")).toMatchObject({ role: "editor", name: "Cli Editor" });
    const user = await authorizeCredentials(
      { email: "cli-stdin@example.com", password: "a password from stdin" },
      { "x-newsroom-peer-ip": "198.51.100.210" },
    );
    expect(user).toMatchObject({ email: "cli-stdin@example.com", name: "Cli Editor" });
  }, 60_000);

  it("reads it with --password-stdin, and refuses a weak one with the rule", async () => {
    const { stdout } = await userAdd(["--email", "cli-flag@example.com", "--role", "reader", "--password-stdin"], "another good password");
    expect(stdout).toMatch(/^Created reader cli-flag@example\.com/);
    expect(await authorizeCredentials({ email: "cli-flag@example.com", password: "another good password" }, { "x-newsroom-peer-ip": "198.51.100.211" })).not.toBeNull();

    const weak = await userAdd(["--email", "cli-weak@example.com", "--role", "reader", "--password-stdin"], "short\n").catch((e: { code: number; stderr: string }) => e);
    expect(weak).toMatchObject({ code: 2, stderr: expect.stringContaining("password: Use at least 10 characters.") });
    expect(await getAccountForSignIn("cli-weak@example.com")).toBeNull();
  }, 60_000);
});
