import "server-only";
import { requestClientIp } from "@/lib/http/client-address";

/**
 * The client's IP for a request's headers, as the comment pipeline sees it
 * (lib/http/client-ip.ts decides, per TRUSTED_PROXIES). The one place
 * the auth code asks, so limits per address follow that rule.
 */
export function requestIp(headers: { get(name: string): string | null }): string {
  return requestClientIp(headers);
}

/** For next-auth's plain header object (`req.headers` in `authorize`). */
export function headerReader(headers: Record<string, string | string[] | undefined>): { get(name: string): string | null } {
  return {
    get: (name) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
  };
}
