import ipaddr from "ipaddr.js";

/**
 * Text matching for block and hold lists: case- and accent-insensitive, on
 * whole words, and robust to letters split by punctuation or spaces
 * ("V.I.A.G.R.A", "v i a g r a", "Víagra").
 */
export function toTokens(text: string): string[] {
  const words = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  // Join runs of single characters: "v i a g r a" -> "viagra".
  const tokens: string[] = [];
  let run = "";
  for (const word of words) {
    if (word.length === 1) {
      run += word;
      continue;
    }
    if (run) tokens.push(run);
    run = "";
    tokens.push(word);
  }
  if (run) tokens.push(run);
  return tokens;
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The first list entry found in any of the texts, or null. */
export function findListedWord(texts: string[], list: string[]): string | null {
  const tokenised = texts.map(toTokens);
  for (const entry of list) {
    const needle = toTokens(entry);
    if (needle.length === 0) continue;
    if (tokenised.some((t) => containsSequence(t, needle))) return entry;
    // A phrase typed without spaces: "cheap pills" also matches "cheappills".
    const joined = needle.join("");
    if (needle.length > 1 && tokenised.some((t) => t.includes(joined))) return entry;
  }
  return null;
}

/**
 * The first entry matching an email: a whole address ("a@b.example"), or a
 * domain ("b.example" or "@b.example", subdomains included).
 */
export function findListedEmail(email: string, list: string[]): string | null {
  const address = email.trim().toLowerCase();
  if (!address) return null;
  const domain = address.slice(address.lastIndexOf("@") + 1);
  for (const raw of list) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes("@") && !entry.startsWith("@")) {
      if (entry === address) return raw;
      continue;
    }
    const d = entry.replace(/^@/, "");
    if (domain === d || domain.endsWith("." + d)) return raw;
  }
  return null;
}

/** The first entry (an IP or a CIDR range, IPv4 or IPv6) that contains the IP. */
export function findListedIp(ip: string, list: string[]): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  for (const raw of list) {
    const entry = raw.trim();
    if (!entry) continue;
    try {
      if (entry.includes("/")) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        if (range.kind() === addr.kind() && addr.match([range, bits] as never)) return raw;
      } else if (ipaddr.isValid(entry)) {
        const other = ipaddr.parse(entry);
        if (other.kind() === addr.kind() && other.toNormalizedString() === addr.toNormalizedString()) return raw;
      }
    } catch {
      // An unparsable entry never matches; the settings form rejects them.
    }
  }
  return null;
}
