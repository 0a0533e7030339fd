import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { getAuthOptions, SESSION_MAX_AGE } from "./options";
import { revokeSession } from "./revocations";
import { SESSION_COOKIE } from "./session";
import { endAllSessions } from "./users";

type SessionShape = { user?: { id?: string }; sid?: string } | null;

async function deleteSessionCookies(): Promise<void> {
  const jar = await cookies();
  for (const cookie of jar.getAll()) {
    if (SESSION_COOKIE.test(cookie.name)) jar.delete(cookie.name);
  }
}

/**
 * "Sign out": ends this session on the server, not only in this browser. Its
 * session id is recorded as revoked for as long as any copy of its token
 * could be valid (a token is renewed for SESSION_MAX_AGE at most, and a
 * revoked one is no longer renewed), then next-auth's cookie (possibly split
 * into chunks `.0`, `.1`...) is deleted. A POST only (a server action).
 */
export async function endSession(now = new Date()): Promise<void> {
  const jar = await cookies();
  if (jar.getAll().some((c) => SESSION_COOKIE.test(c.name))) {
    const session = (await getServerSession(getAuthOptions())) as SessionShape;
    const userId = Number(session?.user?.id);
    if (session?.sid && Number.isSafeInteger(userId) && userId > 0) {
      await revokeSession(session.sid, userId, new Date(now.getTime() + SESSION_MAX_AGE * 1000), now);
    }
  }
  await deleteSessionCookies();
}

/** "Sign out everywhere": every session of the account ends (its session version moves on), this one too. */
export async function endEverySession(userId: number): Promise<void> {
  await endAllSessions(userId);
  await deleteSessionCookies();
}
