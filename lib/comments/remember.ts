import { z } from "zod";

/** "Save my name, email, and website in this browser": a cookie the server reads. */
export const REMEMBER_COOKIE = "nr_comment_author";
export const REMEMBER_MAX_AGE = 60 * 60 * 24 * 365; // a year

const remembered = z.object({
  name: z.string().max(245),
  email: z.string().max(100),
  url: z.string().max(200),
});
export type RememberedAuthor = z.infer<typeof remembered>;

export function encodeRemembered(author: RememberedAuthor): string {
  return Buffer.from(JSON.stringify(author), "utf8").toString("base64url");
}

export function decodeRemembered(value: string | undefined): RememberedAuthor | null {
  if (!value) return null;
  try {
    const parsed = remembered.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
