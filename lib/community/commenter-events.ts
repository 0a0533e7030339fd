import "server-only";
import { commenterEvents, type CommenterEventType } from "@/db/schema";
import type { Db } from "@/lib/db";

/**
 * Appends one entry to a commenter's history (the commenter page): an
 * account's (`userId`) or a guest address's (`email`). Call it inside the
 * transaction of the change it records, with its `tx`.
 */
export async function addCommenterEvent(
  tx: Db,
  event: { userId?: number | null; email?: string | null; type: CommenterEventType; actorId: number | null; message: string; at?: Date },
): Promise<void> {
  await tx.insert(commenterEvents).values({
    userId: event.userId ?? null,
    email: event.userId ? null : (event.email ?? null),
    type: event.type,
    actorId: event.actorId,
    message: event.message,
    createdAt: event.at ?? new Date(),
  });
}
