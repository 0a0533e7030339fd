import "server-only";
import { getDb, statement } from "@/lib/db";

/**
 * Sessions ended by "Sign out" (table `revoked_sessions`): a session token
 * carries a random session id (`sid`, given at sign-in and kept when
 * next-auth renews the token); signing out records it here until no token
 * carrying it can still be valid, and getCurrentUser refuses it meanwhile.
 */
export function revokeSession(sessionId: string, userId: number, until: Date, now = new Date()): void {
  const db = getDb();
  db.transaction(() => {
    // (A deleted account has no sessions left to revoke.)
    statement(
      db,
      "insert or ignore into revoked_sessions (session_id, user_id, expires_at) select ?, id, ? from users where id = ?",
    ).run(sessionId, until.getTime(), userId);
    // Pruning: a revocation is only needed while a token could still be valid.
    statement(db, "delete from revoked_sessions where expires_at <= ?").run(now.getTime());
  });
}

/** Whether a session id was signed out (a primary-key lookup). */
export function isSessionRevoked(sessionId: string): boolean {
  return statement(getDb(), "select 1 from revoked_sessions where session_id = ?").get(sessionId) !== undefined;
}
