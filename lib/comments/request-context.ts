import "server-only";
import { headers } from "next/headers";
import { requestClientIp } from "@/lib/http/client-address";

/** Who is posting, from the request: IP (the peer, or per TRUSTED_PROXIES), user agent, referrer. */
export async function commentRequestContext(): Promise<{ ip: string; userAgent: string; referrer: string }> {
  const h = await headers();
  return {
    ip: requestClientIp(h),
    userAgent: (h.get("user-agent") ?? "").slice(0, 1000),
    referrer: (h.get("referer") ?? "").slice(0, 2000),
  };
}
