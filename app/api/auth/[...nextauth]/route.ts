import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { AUTH_BODY_LIMIT, BodyTooLargeError, payloadTooLargeResponse, withBoundedBody } from "@/lib/http/body";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth reads the body itself (`req.json()` / `req.text()`, unbounded),
 * so the body is read here first within AUTH_BODY_LIMIT and handed on as a
 * copy; a larger one is answered 413 before next-auth sees it.
 */
async function handler(request: NextRequest, context: Context) {
  let bounded: NextRequest;
  try {
    bounded = await withBoundedBody(
      request,
      AUTH_BODY_LIMIT,
      (body) => new NextRequest(request.url, { method: request.method, headers: request.headers, body }),
    );
  } catch (error) {
    if (error instanceof BodyTooLargeError) return payloadTooLargeResponse(AUTH_BODY_LIMIT);
    throw error;
  }
  return NextAuth(bounded as never, context as never, getAuthOptions());
}

export { handler as GET, handler as POST };
