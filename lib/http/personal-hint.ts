import "server-only";
import { env } from "@/lib/env";

/** proxy.ts's PERSONAL_HINT_COOKIE (proxy.ts cannot be imported from server code: it is the edge of the app). */
export const PERSONAL_HINT_COOKIE = "nr_personal";

type Jar = { set: (name: string, value: string, options: { path: string; sameSite: "lax"; secure: boolean; httpOnly: boolean }) => unknown };

/**
 * Marks, readable by the page's script, that this browser now has cookies of
 * its own (docs/decisions/022): set in the same response as the session or
 * own-comments cookie, so the page the reader lands on asks for their own
 * parts at once. proxy.ts sets and removes it too, on any later request
 * whose cookies disagree with it.
 */
export function markPersonal(jar: Jar): void {
  jar.set(PERSONAL_HINT_COOKIE, "1", { path: "/", sameSite: "lax", secure: env().SITE_URL.startsWith("https://"), httpOnly: false });
}
