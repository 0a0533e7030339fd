import { COMMENT_LIMITS } from "./validation";

/**
 * The most a comment form post may weigh: Next's server-action body limit
 * (`experimental.serverActions.bodySizeLimit` in next.config.js, "1mb":
 * keep the two equal). A valid comment is far below it (65,525 characters
 * are at most about 200 KB of UTF-8), so only an over-long one reaches it.
 */
export const COMMENT_FORM_BODY_LIMIT_BYTES = 1024 * 1024;

/** What is left for the fields once multipart framing and hidden fields are counted. */
const FRAMING_ALLOWANCE_BYTES = 16 * 1024;

export const COMMENT_TOO_LARGE_MESSAGE = `Your comment is too large to send: a comment can be at most ${COMMENT_LIMITS.content.toLocaleString("en-US")} characters. Shorten it and post again; your text is below.`;

/** Whether these form fields would go over the server-action body limit. */
export function exceedsFormBodyLimit(fields: Iterable<string>): boolean {
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const value of fields) bytes += encoder.encode(value).length;
  return bytes > COMMENT_FORM_BODY_LIMIT_BYTES - FRAMING_ALLOWANCE_BYTES;
}
