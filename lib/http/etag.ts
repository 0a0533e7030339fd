import "server-only";
import crypto from "node:crypto";

/**
 * A weak ETag for a body that is the same for everyone (the cached feed):
 * weak, because the server may send it gzipped or not under the same tag.
 */
export function weakEtag(body: string): string {
  return `W/"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}
