import proxyaddr from "proxy-addr";

/** Decides whether an address is one of our reverse proxies (proxy-addr's compiled trust list). */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** Trusts nobody: the socket's peer is the client (TRUSTED_PROXIES unset). */
export const TRUST_NO_PROXY: ProxyTrust = () => false;

/** The entries of a TRUSTED_PROXIES value: comma-separated, blanks ignored. */
export function splitTrustedProxies(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The entries of a TRUSTED_PROXIES list that are not an IPv4/IPv6 address, a
 * CIDR, or one of proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`).
 */
export function invalidTrustedProxies(entries: readonly string[]): string[] {
  return entries.filter((entry) => {
    try {
      proxyaddr.compile(entry);
      return false;
    } catch {
      return true;
    }
  });
}

/** Compiles a validated TRUSTED_PROXIES list; an empty list trusts nobody. */
export function compileTrustedProxies(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return TRUST_NO_PROXY;
  return proxyaddr.compile([...entries]);
}
