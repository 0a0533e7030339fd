import { personalAnswerFromRequest } from "@/lib/comments/personal-answer";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string }> };

/**
 * GET: the reader's own parts of an article page (docs/decisions/022): their
 * account, remembered fields, held comments, respects and the controls of
 * their own comments. Read from their cookies alone, so it is never
 * shareable: `private, no-store`, and `Vary: Cookie` for any cache that
 * ignores the first. In production scripts/server.mjs answers it before Next
 * with the same function (lib/comments/personal-answer.ts).
 */
export async function GET(_request: Request, { params }: Context) {
  const { status, headers, body } = await personalAnswerFromRequest((await params).slug);
  return new Response(body, { status, headers });
}
