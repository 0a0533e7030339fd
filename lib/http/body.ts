import "server-only";

/**
 * One comment and its fields. The comment rule counts characters (65,525 at
 * most) and UTF-8 takes up to 3 bytes for one, so the longest valid comment
 * needs about 192 KiB; 64 KiB would refuse a valid long comment.
 */
export const COMMENT_BODY_LIMIT = 256 * 1024;
/** A sign-in or sign-out form: email, password (≤ 1,000), CSRF token, callback URL. */
export const AUTH_BODY_LIMIT = 16 * 1024;

/** The body is larger than the route accepts; nothing past `limit` bytes was read. */
export class BodyTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * The declared length when the request names one. A value that is not a
 * plain non-negative integer counts as "too large": Node's parser would
 * refuse it anyway, and there is no reason to read what it announces.
 */
function declaredLength(request: Request): number | null {
  const header = request.headers.get("content-length");
  if (header === null) return null;
  return /^\d+$/.test(header.trim()) ? Number(header.trim()) : Number.POSITIVE_INFINITY;
}

/**
 * Reads a request body of at most `limit` bytes. Refuses at once when
 * Content-Length announces more; otherwise counts bytes as they arrive (a
 * chunked body has no Content-Length) and cancels the stream as soon as the
 * count passes the limit, so at most `limit` bytes plus one chunk are held.
 */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = declaredLength(request);
  if (declared !== null && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  if (!request.body) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: "too_large" | "invalid_json" };

/** A bounded JSON body: its value, or why it was refused (too large, or not UTF-8 JSON). */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readBodyBytes(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, reason: "too_large" };
    throw error;
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) };
  } catch {
    return { ok: false, reason: "invalid_json" };
  }
}

/**
 * A copy of the request whose body has been read within `limit` bytes, for
 * code that reads the body itself (next-auth's handler). Throws
 * BodyTooLargeError; a request without a body is returned as it is.
 */
export async function withBoundedBody<R extends Request>(
  request: R,
  limit: number,
  rebuild: (body: Uint8Array<ArrayBuffer>) => R,
): Promise<R> {
  if (!request.body) return request;
  return rebuild(await readBodyBytes(request, limit));
}

/** The answer to a body past the limit: 413 with a JSON error. */
export function payloadTooLargeResponse(limit: number): Response {
  return Response.json(
    { error: `The request body is too large (at most ${Math.floor(limit / 1024)} KiB).` },
    { status: 413, headers: { "Cache-Control": "no-store" } },
  );
}
