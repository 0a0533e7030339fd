/**
 * The data layer's transactions hold on both stores (decision 014): a
 * transaction is all or nothing, and another request's statements are never
 * part of it, even on SQLite where one connection serves every request and a
 * transaction spans awaits.
 */
import { eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { settings } from "@/db/schema";
import { getDb, row, sql, storeOf, transaction } from "@/lib/db";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function keys(prefix: string): Promise<string[]> {
  const found = await getDb().select({ key: settings.key }).from(settings).where(like(settings.key, `${prefix}%`));
  return found.map((r) => r.key).sort();
}

describe(`transactions (${storeOf(getDb())})`, () => {
  it("a write made outside an open transaction survives that transaction's rollback", async () => {
    const db = getDb();
    let insideWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (insideWrote = resolve));
    const failing = transaction(db, async (tx) => {
      await tx.insert(settings).values({ key: "t1.inside", value: 1 });
      insideWrote();
      await pause(50); // another request runs meanwhile
      throw new Error("the transaction fails");
    });
    // Its failure is awaited at once: the write below may take longer than its pause on a
    // busy machine, and a rejection nobody awaits yet is reported as unhandled.
    const failed = expect(failing).rejects.toThrow("the transaction fails");
    await wrote;
    const outside = db.insert(settings).values({ key: "t1.outside", value: 2 });
    await failed;
    await outside;
    expect(await keys("t1.")).toEqual(["t1.outside"]);
  });

  it("another request does not read a transaction's rows before it commits", async () => {
    const db = getDb();
    let insideWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (insideWrote = resolve));
    const open = transaction(db, async (tx) => {
      await tx.insert(settings).values({ key: "t2.row", value: 1 });
      insideWrote();
      await pause(50);
      throw new Error("rolled back");
    });
    // Awaited at once, as above: the read below may outlast the transaction's pause.
    const rolledBack = expect(open).rejects.toThrow("rolled back");
    await wrote;
    const seen = await db.select().from(settings).where(eq(settings.key, "t2.row"));
    await rolledBack;
    expect(seen).toEqual([]);
  });

  it("a nested transaction is a savepoint: its failure undoes only its own writes", async () => {
    const db = getDb();
    await transaction(db, async (tx) => {
      await tx.insert(settings).values({ key: "t3.outer", value: 1 });
      await expect(
        transaction(tx, async (inner) => {
          await inner.insert(settings).values({ key: "t3.inner", value: 2 });
          throw new Error("inner fails");
        }),
      ).rejects.toThrow("inner fails");
    });
    expect(await keys("t3.")).toEqual(["t3.outer"]);
  });

  it("read-then-write transactions run side by side count every increment (serializable, retried)", async () => {
    const db = getDb();
    await db.insert(settings).values({ key: "t4.counter", value: 0 });
    const increment = () =>
      transaction(
        db,
        async (tx) => {
          const [current] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, "t4.counter"));
          await tx
            .update(settings)
            .set({ value: (current!.value as number) + 1 })
            .where(eq(settings.key, "t4.counter"));
        },
        { serializable: true },
      );
    await Promise.all(Array.from({ length: 10 }, increment));
    const final = await row<{ value: unknown }>(db, sql`select value from settings where key = 't4.counter'`);
    expect(Number(typeof final!.value === "string" ? JSON.parse(final!.value) : final!.value)).toBe(10);
  });

  it("transactions queue one behind another and each commits whole", async () => {
    const db = getDb();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        transaction(db, async (tx) => {
          await tx.insert(settings).values({ key: `t5.${i}.a`, value: i });
          await pause(2);
          await tx.insert(settings).values({ key: `t5.${i}.b`, value: i });
        }),
      ),
    );
    expect(await keys("t5.")).toHaveLength(20);
  });
});
