import "server-only";
import { parse } from "cookie";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { personalViewFromCookies, personalViewFromRequest } from "./personal";
import type { PersonalView } from "./personal-view";

/**
 * The answer to `GET /api/articles/<slug>/personal` (docs/decisions/022), built
 * once for its two ways in:
 * - the route (app/api/articles/[slug]/personal/route.ts), under `next dev` and
 *   whenever the fast path below is not there;
 * - the fast path: `scripts/server.mjs` answers this one request itself, with
 *   `personalAnswerFromHeader`, which the app registers on `globalThis` when it
 *   starts (instrumentation.ts). Every signed-in or remembered reader with
 *   JavaScript asks it once per article view, and Next's own handling of a
 *   request (routing, rewrites, the route's request and response objects) cost
 *   more than building the answer: measured in docs/decisions/022, "Speed".
 * The two give the same status, headers and body (tests/integration/personal-view.test.ts).
 */
export type PersonalAnswer = { status: number; headers: Record<string, string>; body: string };

const HEADERS = { "Content-Type": "application/json", "Cache-Control": "private, no-store", Vary: "Cookie" };

async function answer(load: () => Promise<PersonalView | null>): Promise<PersonalAnswer> {
  try {
    const view = await load();
    if (!view) return { status: 404, headers: HEADERS, body: JSON.stringify({ error: "This article does not exist." }) };
    return { status: 200, headers: HEADERS, body: JSON.stringify(view) };
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return {
      status: 503,
      headers: { ...HEADERS, "Retry-After": "5" },
      body: JSON.stringify({ error: "The database did not answer; please try again in a moment." }),
    };
  }
}

/** For the route: from Next's request (its cookies). */
export function personalAnswerFromRequest(slug: string): Promise<PersonalAnswer> {
  return answer(() => personalViewFromRequest(slug));
}

/** At most this much of a Cookie header is read (browsers send at most about 8 KB; Node refuses headers over 16 KB). */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * The cookies of a Cookie header as Next reads them: a name sent twice is the
 * last one sent (the `cookie` package keeps the first, so each pair is parsed
 * on its own). Otherwise a cookie planted for a narrower path, which browsers
 * send first, would be read here and not by the rest of the site.
 */
export function cookiesOfHeader(cookieHeader: string | undefined): { name: string; value: string }[] {
  if (!cookieHeader || cookieHeader.length > MAX_COOKIE_HEADER) return [];
  const byName = new Map<string, string>();
  for (const pair of cookieHeader.split(";")) {
    for (const [name, value] of Object.entries(parse(pair))) if (typeof value === "string") byName.set(name, value);
  }
  return [...byName].map(([name, value]) => ({ name, value }));
}

/** For the fast path: from the raw Cookie header. */
export function personalAnswerFromHeader(slug: string, cookieHeader: string | undefined): Promise<PersonalAnswer> {
  const all = cookiesOfHeader(cookieHeader);
  return answer(() => personalViewFromCookies(slug, all));
}

const FAST_PATH_KEY = Symbol.for("newsroom.personal-answer"); // scripts/server.mjs

/** Lets scripts/server.mjs answer the personal request itself (instrumentation.ts, once the app has started). */
export function registerPersonalFastPath(): void {
  (globalThis as Record<symbol, unknown>)[FAST_PATH_KEY] = personalAnswerFromHeader;
}
