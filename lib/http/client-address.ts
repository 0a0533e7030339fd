import "server-only";
import { clientIp } from "./client-ip";
import { env } from "@/lib/env";
import { compileTrustedProxies, type ProxyTrust } from "./trusted-proxies";

let trust: ProxyTrust | undefined;

/** The reverse proxies of TRUSTED_PROXIES, compiled once. */
export function trustedProxies(): ProxyTrust {
  trust ??= compileTrustedProxies(env().TRUSTED_PROXIES);
  return trust;
}

/** The client's IP for a request being served: the socket's peer, or what trusted proxies say. */
export function requestClientIp(headers: { get(name: string): string | null }): string {
  return clientIp(headers, trustedProxies());
}
