import "server-only";
import crypto from "node:crypto";

/** A strong ETag for a body that is the same bytes for everyone (a cached feed). */
export function strongEtag(body: string): string {
  return `"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}
