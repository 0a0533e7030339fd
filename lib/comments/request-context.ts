import "server-only";
import { headers } from "next/headers";
import { getSettings } from "@/lib/settings";
import { clientIp } from "./client-ip";

/** Who is posting, from the request: IP (per the proxy setting), user agent, referrer. */
export async function commentRequestContext(): Promise<{ ip: string; userAgent: string; referrer: string }> {
  const h = await headers();
  const settings = getSettings();
  return {
    ip: clientIp(h, settings),
    userAgent: (h.get("user-agent") ?? "").slice(0, 1000),
    referrer: (h.get("referer") ?? "").slice(0, 2000),
  };
}
