import "server-only";
import { env } from "@/lib/env";

export const SITE_NAME = "The Newsroom";
export const SITE_DESCRIPTION =
  "Independent reporting with editor reviews and a moderated reader conversation.";
export const SITE_LANG = "en";

/** An absolute URL on this site, from `SITE_URL`. */
export function absoluteUrl(pathname: string): string {
  return new URL(pathname, env().SITE_URL + "/").toString();
}

export function articlePath(slug: string): string {
  return `/articles/${slug}`;
}
