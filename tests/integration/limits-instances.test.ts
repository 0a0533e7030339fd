/**
 * Sign-in and registration limits count in the database (decision 014):
 * every app instance on it counts against the same limit, and the limit holds
 * when a hundred attempts arrive at once, spread over instances. Here each
 * "instance" is a connection of its own to this file's database.
 */
import { afterAll, describe, expect, it } from "vitest";
import { databaseLimiter } from "@/lib/auth/rate-limit";
import { closeDatabase, databaseTarget, getDb, openDatabase, storeOf } from "@/lib/db";

const other = openDatabase(databaseTarget());
afterAll(async () => {
  await closeDatabase(other);
});

async function outcome(p: Promise<unknown>): Promise<"allowed" | "refused"> {
  try {
    await p;
    return "allowed";
  } catch (error) {
    if (error instanceof Error) throw error; // a failure, not a refusal
    return "refused";
  }
}

describe(`limits shared by instances (${storeOf(getDb())})`, () => {
  it("counts attempts made through two instances against one limit", async () => {
    const one = databaseLimiter("test-shared", 3, 60);
    const two = databaseLimiter("test-shared", 3, 60, other);
    expect(await outcome(one.consume("203.0.113.7"))).toBe("allowed");
    expect(await outcome(two.consume("203.0.113.7"))).toBe("allowed");
    expect(await outcome(one.consume("203.0.113.7"))).toBe("allowed");
    expect(await outcome(two.consume("203.0.113.7"))).toBe("refused");
    expect(await outcome(one.consume("203.0.113.7"))).toBe("refused");
    // Another key has its own count.
    expect(await outcome(two.consume("203.0.113.8"))).toBe("allowed");
  });

  it("lets exactly the limit through when a hundred attempts arrive at once on two instances", async () => {
    const one = databaseLimiter("test-burst", 5, 60);
    const two = databaseLimiter("test-burst", 5, 60, other);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => outcome((i % 2 ? one : two).consume("198.51.100.99"))),
    );
    expect(results.filter((r) => r === "allowed")).toHaveLength(5);
    expect(results.filter((r) => r === "refused")).toHaveLength(95);
  });

  it("starts a new window when the old one has expired", async () => {
    const short = databaseLimiter("test-window", 1, 1);
    expect(await outcome(short.consume("k"))).toBe("allowed");
    expect(await outcome(short.consume("k"))).toBe("refused");
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await outcome(databaseLimiter("test-window", 1, 1, other).consume("k"))).toBe("allowed");
  });
});

describe("expired limit counters", () => {
  it("are deleted an hour after their window ends, and the others kept", async () => {
    const { pruneExpiredLimits } = await import("@/lib/auth/rate-limit");
    const { rateLimits } = await import("@/db/schema");
    const now = Date.now();
    await getDb().insert(rateLimits).values([
      { key: "old", points: 3, expire: new Date(now - 2 * 3_600_000) },
      { key: "recent", points: 3, expire: new Date(now - 60_000) },
      { key: "open", points: 1, expire: new Date(now + 60_000) },
    ]);
    expect(await pruneExpiredLimits(getDb(), now)).toBe(1);
    const left = (await getDb().select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key);
    expect(left).toContain("recent");
    expect(left).toContain("open");
    expect(left).not.toContain("old");
  });
});
