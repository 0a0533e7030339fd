import ipaddr from "ipaddr.js";

/** Set by scripts/server.mjs from the socket: the peer that connected to us. */
export const PEER_IP_HEADER = "x-newsroom-peer-ip";

function normalize(ip: string | undefined | null): string {
  const value = (ip ?? "").trim().replace(/^\[|\]$/g, "");
  if (!value || !ipaddr.isValid(value)) return "";
  const addr = ipaddr.parse(value);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address().toString();
  }
  return addr.toString();
}

/**
 * The commenter's IP. Without a trusted proxy it is the socket's peer (a
 * client-sent X-Forwarded-For is ignored, so it cannot be spoofed). Behind
 * `trustedProxyCount` trusted proxies, it is the address the outermost
 * trusted proxy saw: that many entries from the right of X-Forwarded-For.
 */
export function clientIp(
  headers: { get(name: string): string | null },
  { trustProxy, trustedProxyCount }: { trustProxy: boolean; trustedProxyCount: number },
): string {
  const peer = headers.get(PEER_IP_HEADER);
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (peer === null) {
    // Not behind scripts/server.mjs (e.g. `next dev`): Next puts the socket
    // address in X-Forwarded-For when the client sent none.
    return normalize(trustProxy ? forwarded.at(-trustedProxyCount) ?? forwarded[0] : forwarded.at(-1));
  }
  if (!trustProxy) return normalize(peer);
  const chain = [...forwarded, peer];
  return normalize(chain.at(-(trustedProxyCount + 1)) ?? chain[0]);
}
