import { z } from "zod";
import { isDatabaseUnavailable, isSameOrigin } from "@/lib/comments/api";
import type { OwnRefusalCode } from "@/lib/comments/own";
import { deleteOwnCommentFromRequest, editOwnCommentFromRequest } from "@/lib/comments/own-request";
import { COMMENT_BODY_LIMIT, payloadTooLargeResponse, readJsonBody } from "@/lib/http/body";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string; id: string }> };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

function unavailable(error: unknown): Response {
  if (!isDatabaseUnavailable(error)) throw error;
  return json(503, { error: "Comments are temporarily unavailable: the database did not answer. Nothing was changed; please try again in a moment." }, { "Retry-After": "5" });
}

const REFUSAL_STATUS: Record<OwnRefusalCode, number> = {
  not_found: 404,
  not_yours: 403,
  locked: 403,
  window: 403,
  closed: 403,
  stale: 409,
  busy: 409,
  invalid: 400,
};

/**
 * PATCH: the author edits their comment (`{content, version}`; `version` is
 * the `editedAt` time in ms they last saw, 0 for never), from the browser
 * that posted it or their account; DELETE: they delete it (replies stay).
 * Same-origin only, like posting. Answers `approved` or `pending`, never the
 * spam verdict.
 */
export async function PATCH(request: Request, context: Context) {
  return patchComment(request, context).catch(unavailable);
}

export async function DELETE(request: Request, context: Context) {
  return deleteComment(request, context).catch(unavailable);
}

const patchBody = z.object({ content: z.string(), version: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,16}$/)]) });

async function patchComment(request: Request, { params }: Context) {
  const { slug, id } = await params;
  if (!isSameOrigin(request.headers, request.url)) return json(403, { error: "Comments can only be changed from this site." });
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    return json(415, { error: "Send the edit as JSON (Content-Type: application/json)." });
  }
  const read = await readJsonBody(request, COMMENT_BODY_LIMIT);
  if (!read.ok) return read.reason === "too_large" ? payloadTooLargeResponse(COMMENT_BODY_LIMIT) : json(400, { error: "The request body is not valid JSON." });
  const body = patchBody.safeParse(read.value);
  if (!body.success) return json(400, { error: "Send {\"content\": \"…\", \"version\": <the editedAt time you saw, in ms, or 0>}." });
  const { result, location } = await editOwnCommentFromRequest(
    { commentId: id, content: body.data.content, version: body.data.version, articleSlug: slug },
    { kind: "article" },
  );
  if (!result.ok) return json(REFUSAL_STATUS[result.code], { error: result.message, ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) });
  const status = result.status === "approved" ? "approved" : "pending";
  return json(200, {
    id: result.commentId,
    status,
    version: result.version,
    message: status === "approved" ? "Your comment is updated." : "Your comment is updated and awaiting moderation.",
    location,
  });
}

async function deleteComment(request: Request, { params }: Context) {
  const { slug, id } = await params;
  if (!isSameOrigin(request.headers, request.url)) return json(403, { error: "Comments can only be changed from this site." });
  const { result } = await deleteOwnCommentFromRequest({ commentId: id, articleSlug: slug }, { kind: "article" });
  if (!result.ok) return json(REFUSAL_STATUS[result.code], { error: result.message });
  return json(200, { id: result.commentId, deleted: true, repliesKept: result.repliesKept });
}
