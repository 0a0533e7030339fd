import { POKE_HEADER, expirePageChanges, validPokeToken } from "@/lib/cache/invalidation";

export const dynamic = "force-dynamic";

/**
 * The page-cache poller's own call (lib/cache/invalidation.ts): expires the
 * pages changed outside a request (background jobs, scripts). It takes no
 * input, reads only the change log, and answers only a caller holding the
 * server secret.
 */
export async function POST(request: Request) {
  if (!validPokeToken(request.headers.get(POKE_HEADER))) {
    return Response.json({ error: "Not allowed." }, { status: 403, headers: { "Cache-Control": "no-store" } });
  }
  const expired = await expirePageChanges();
  return Response.json({ expired: expired.length }, { headers: { "Cache-Control": "no-store" } });
}
