import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";
import { splitTrustedProxies, type ProxyTrust } from "@/lib/http/trusted-proxies";

/** Set by scripts/server.mjs from the socket: the peer that connected to us. */
export const PEER_IP_HEADER = "x-newsroom-peer-ip";

/** An IP in its canonical form (IPv4-mapped IPv6 as IPv4), or "" when it is not an IP. */
export function normalizeIp(ip: string | undefined | null): string {
  const value = (ip ?? "").trim().replace(/^\[|\]$/g, "");
  if (!value || !ipaddr.isValid(value)) return "";
  const addr = ipaddr.parse(value);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address().toString();
  }
  return addr.toString();
}

/**
 * The client's IP, Express `trust proxy` style: start at the socket's peer;
 * while the address at hand is a trusted proxy, step one entry left in
 * X-Forwarded-For; the first untrusted address is the client. So a client
 * that reaches the port directly (an untrusted peer) cannot choose its
 * address, and entries a client wrote to the left of what our proxies
 * appended are never reached. An entry that is not an IP ends the walk at the
 * trusted hop that reported it.
 */
export function clientIp(headers: { get(name: string): string | null }, trust: ProxyTrust): string {
  let peer = headers.get(PEER_IP_HEADER);
  let forwarded = headers.get("x-forwarded-for") ?? "";
  if (peer === null) {
    // Not behind scripts/server.mjs (`next dev` only): Next appends the
    // socket's address to X-Forwarded-For, so its last entry stands in for it.
    const entries = splitTrustedProxies(forwarded);
    peer = entries.pop() ?? "";
    forwarded = entries.join(", ");
  }
  const chain = proxyaddr.all({ headers: { "x-forwarded-for": forwarded }, socket: { remoteAddress: peer } } as never, trust);
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const ip = normalizeIp(chain[i]);
    if (ip) return ip;
  }
  return "";
}
