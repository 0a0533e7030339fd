import { z } from "zod";
import { commentsJsonForApi, isDatabaseUnavailable, isSameOrigin } from "@/lib/comments/api";
import { parseCommentOrder } from "@/lib/comments/order";
import { postCommentFromRequest } from "@/lib/comments/post";
import { COMMENT_BODY_LIMIT, payloadTooLargeResponse, readJsonBody } from "@/lib/http/body";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string }> };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

/**
 * The database did not answer (restarting, unreachable, a statement timed
 * out): 503 with Retry-After, and the words say nothing was stored; the
 * pipeline answers success for a comment it did store before that.
 */
function unavailable(error: unknown): Response {
  if (!isDatabaseUnavailable(error)) throw error;
  return json(
    503,
    { error: "Comments are temporarily unavailable: the database did not answer. Nothing was saved; please try again in a moment." },
    { "Retry-After": "5" },
  );
}

/** GET: approved comments, threaded, paginated (`?page=N`), in the site's order or `?order=newest|oldest`. */
export async function GET(request: Request, context: Context) {
  return getComments(request, context).catch(unavailable);
}

/** POST: see `postComment`. */
export async function POST(request: Request, context: Context) {
  return postComment(request, context).catch(unavailable);
}

async function getComments(request: Request, { params }: Context) {
  const { slug } = await params;
  const query = new URL(request.url).searchParams;
  const page = z.coerce.number().int().min(1).catch(1).parse(query.get("page") ?? 1);
  // An unknown order is ignored: the site's default applies.
  const body = await commentsJsonForApi(slug, page, parseCommentOrder(query.getAll("order")));
  if (!body) return json(404, { error: "This article does not exist." });
  return new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}

const postBody = z.object({
  content: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  url: z.string().optional(),
  parentId: z.union([z.number(), z.string()]).optional(),
  formToken: z.string().optional(),
  fax: z.string().optional(),
  /** "Notify me of follow-up comments by email." (kept only while mail is on). */
  notify: z.boolean().optional(),
});

const REFUSAL_STATUS = { flood: 429, duplicate: 409, closed: 403, suspended: 403 } as const;

/**
 * POST: a new comment through the same validation, defences and Akismet
 * check as the form. Answers `approved` or `pending`, never the spam verdict.
 */
async function postComment(request: Request, { params }: Context) {
  const { slug } = await params;
  if (!isSameOrigin(request.headers, request.url)) {
    return json(403, { error: "Comments can only be posted from this site." });
  }
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    return json(415, { error: "Send the comment as JSON (Content-Type: application/json)." });
  }
  const read = await readJsonBody(request, COMMENT_BODY_LIMIT);
  if (!read.ok) {
    if (read.reason === "too_large") return payloadTooLargeResponse(COMMENT_BODY_LIMIT);
    return json(400, { error: "The request body is not valid JSON." });
  }
  const body = postBody.safeParse(read.value);
  if (!body.success) return json(400, { error: "The request body must be a JSON object of strings (and `notify` a boolean)." });
  const parsed = body.data;

  const { fax, ...fields } = parsed;
  const { result, location } = await postCommentFromRequest(slug, { ...fields, honeypot: fax ?? "" });
  if (result.ok) {
    const status = result.status === "approved" ? "approved" : "pending";
    return json(201, {
      id: result.commentId,
      status,
      message: status === "approved" ? "Your comment is published." : "Your comment is awaiting moderation.",
      location,
    });
  }
  switch (result.kind) {
    case "invalid":
      return json(400, { error: result.message, fieldErrors: result.fieldErrors });
    case "not_found":
      return json(404, { error: result.message });
    case "refused":
      return json(REFUSAL_STATUS[result.code], { error: result.message });
    case "expired":
      // Nothing stored: post again with the fresh token.
      return json(400, { error: result.message, formToken: result.formToken });
  }
}
