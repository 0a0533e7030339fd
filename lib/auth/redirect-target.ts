import "server-only";
import { env } from "@/lib/env";
import { safeCallbackUrl } from "./rules";

/**
 * Where to send someone, from a value in the request (`callbackUrl`, a form
 * field, a Referer): a path on this site (`SITE_URL`'s origin), or `fallback`.
 * Every redirect whose target comes from a request goes through this.
 */
export function siteRedirectPath(value: unknown, fallback = "/"): string {
  return safeCallbackUrl(value, env().SITE_URL, fallback);
}
