import { isDatabaseUnavailable } from "@/lib/comments/api";
import { personalViewFromRequest } from "@/lib/comments/personal";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string }> };

/**
 * GET: the reader's own parts of an article page (docs/decisions/022): their
 * account, remembered fields, held comments, respects and the controls of
 * their own comments. Read from their cookies alone, so it is never
 * shareable: `private, no-store`, and `Vary: Cookie` for any cache that
 * ignores the first.
 */
export async function GET(_request: Request, { params }: Context) {
  const headers = { "Cache-Control": "private, no-store", Vary: "Cookie" };
  try {
    const view = await personalViewFromRequest((await params).slug);
    if (!view) return Response.json({ error: "This article does not exist." }, { status: 404, headers });
    return Response.json(view, { headers });
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return Response.json({ error: "The database did not answer; please try again in a moment." }, { status: 503, headers: { ...headers, "Retry-After": "5" } });
  }
}
