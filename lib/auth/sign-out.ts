import "server-only";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "./session";

/**
 * Ends the session in this browser: JWT sessions live only in their cookie
 * (next-auth's, possibly split into chunks `.0`, `.1`...), so deleting it is
 * what next-auth's own sign-out does. A POST only (a server action).
 */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  for (const cookie of jar.getAll()) {
    if (SESSION_COOKIE.test(cookie.name)) jar.delete(cookie.name);
  }
}
