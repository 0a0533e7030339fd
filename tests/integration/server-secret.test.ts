/**
 * Without NEXTAUTH_SECRET, the generated signing secret lives in the database
 * (decision 014): every instance that starts on it signs with the same one,
 * and an older install's secret (a file in its data folder) is carried over.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getServerSecret, loadServerSecret, secretFilePath } from "@/lib/auth/secret";
import { closeDatabase, databaseTarget, getDb, openDatabase, rows, sql, storeOf } from "@/lib/db";

const other = openDatabase(databaseTarget());
afterAll(async () => {
  await closeDatabase(other);
});

describe(`the generated signing secret (${storeOf(getDb())})`, () => {
  it("is carried over from an older install's data folder, then shared by every instance", async () => {
    expect(process.env.NEXTAUTH_SECRET ?? "").toBe("");
    fs.mkdirSync(path.dirname(secretFilePath()), { recursive: true });
    fs.writeFileSync(secretFilePath(), "an-older-install-secret-kept-in-its-data-folder-0123456789\n", { mode: 0o600 });
    await loadServerSecret(getDb());
    expect(getServerSecret()).toBe("an-older-install-secret-kept-in-its-data-folder-0123456789");
    const stored = await rows<{ value: string }>(getDb(), sql`select value from server_secrets where name = 'nextauth'`);
    expect(stored).toEqual([{ value: "an-older-install-secret-kept-in-its-data-folder-0123456789" }]);

    // Another instance, starting later (its own file gone or different), takes the stored one.
    fs.writeFileSync(secretFilePath(), "a-different-file-on-another-machine-0123456789abcdef\n", { mode: 0o600 });
    await loadServerSecret(other);
    expect(getServerSecret()).toBe("an-older-install-secret-kept-in-its-data-folder-0123456789");
  });

  it("is the one loaded at start-up in every bundled copy of the module (start-up and requests load it separately)", async () => {
    await loadServerSecret(getDb());
    const atStartup = getServerSecret();
    vi.resetModules();
    const requests = await import("@/lib/auth/secret");
    expect(requests.getServerSecret).not.toBe(getServerSecret);
    expect(requests.getServerSecret()).toBe(atStartup);
  });
});
