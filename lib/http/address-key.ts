import ipaddr from "ipaddr.js";

/**
 * The key a per-address limit counts under. An IPv6 client usually holds a
 * whole /64 (and can pick a new address from it for every request), so IPv6
 * addresses count per /64; IPv4 addresses count one by one. Anything that is
 * not an address (unknown, empty) counts under one shared key, so a limit
 * still holds.
 */
export function addressLimitKey(ip: string): string {
  if (!ip || !ipaddr.isValid(ip)) return "unknown";
  const addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv4") return addr.toString();
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = v6.parts.slice(0, 4).map((p) => p.toString(16)).join(":");
  return `${prefix}::/64`;
}
