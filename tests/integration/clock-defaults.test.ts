/**
 * A time the database fills in (a row's `created_at`, an outbox message's
 * `next_attempt_at`) is in whole milliseconds rounded down, like the app's
 * clock (`Date.now()`), on both stores: a row written "now" is due for a job
 * that reads the clock right after. PostgreSQL's default rounded to the
 * nearest millisecond until migration 0009, so a message queued in the second
 * half of a millisecond was not yet due in that millisecond (the mail outbox
 * test saw one of two messages).
 */
import { describe, expect, it } from "vitest";
import { mailOutbox } from "@/db/schema";
import { getDb } from "@/lib/db";

describe(`default times (${process.env.DATABASE_URL ? "PostgreSQL" : "SQLite"})`, () => {
  it("are never ahead of the app's clock read right after the insert", async () => {
    const ahead: number[] = [];
    for (let i = 0; i < 300; i++) {
      const [row] = await getDb()
        .insert(mailOutbox)
        .values({ kind: "data_link", dedupeKey: `clock:${i}:${Math.random()}`, toAddress: `clock${i}@example.com`, subject: "Clock", textBody: "Body", headers: {} })
        .returning({ nextAttemptAt: mailOutbox.nextAttemptAt, createdAt: mailOutbox.createdAt });
      const after = Date.now();
      if (row!.nextAttemptAt.getTime() > after || row!.createdAt.getTime() > after) ahead.push(row!.nextAttemptAt.getTime() - after);
    }
    expect(ahead).toEqual([]);
  });
});
