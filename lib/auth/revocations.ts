import "server-only";
import { eq, lte } from "drizzle-orm";
import { revokedSessions, users } from "@/db/schema";
import { getDb, sql, transaction } from "@/lib/db";

/**
 * Sessions ended by "Sign out" (table `revoked_sessions`): a session token
 * carries a random session id (`sid`, given at sign-in and kept when
 * next-auth renews the token); signing out records it here until no token
 * carrying it can still be valid, and getCurrentUser refuses it meanwhile.
 */
export async function revokeSession(sessionId: string, userId: number, until: Date, now = new Date()): Promise<void> {
  await transaction(getDb(), async (tx) => {
    // (A deleted account has no sessions left to revoke: nothing is selected.)
    // Signing out twice (two tabs at once) records it once. The casts type
    // the selected parameters for PostgreSQL; SQLite reads the same values.
    await tx
      .insert(revokedSessions)
      .select(
        tx
          .select({
            sessionId: sql<string>`cast(${sessionId} as text)`.as("session_id"),
            userId: users.id,
            expiresAt: sql<Date>`cast(${until.getTime()} as bigint)`.as("expires_at"),
          })
          .from(users)
          .where(eq(users.id, userId)),
      )
      .onConflictDoNothing();
    // Pruning: a revocation is only needed while a token could still be valid.
    await tx.delete(revokedSessions).where(lte(revokedSessions.expiresAt, now));
  });
}

/** Whether a session id was signed out (a primary-key lookup). */
export async function isSessionRevoked(sessionId: string): Promise<boolean> {
  const [found] = await getDb()
    .select({ sessionId: revokedSessions.sessionId })
    .from(revokedSessions)
    .where(eq(revokedSessions.sessionId, sessionId));
  return found !== undefined;
}
