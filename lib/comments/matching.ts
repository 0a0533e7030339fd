import ipaddr from "ipaddr.js";

/*
 * Matching for the block and hold lists.
 *
 * Words: case- and accent-insensitive, on whole words, and robust to the
 * usual evasions:
 * - letters split by punctuation ("v.i.a.g.r.a", "c-a-s-i-n-o", "vi-agra") or
 *   spelled out with spaces ("v i a g r a");
 * - accented, full-width, styled (𝐯𝐢𝐚𝐠𝐫𝐚) or Cyrillic/Greek lookalike letters,
 *   and invisible characters (soft hyphen, zero-width space);
 * - leetspeak: 0→o 1→i 3→e 4→a 5→s 7→t inside a word ("v1agra", "a55"), and
 *   @→a $→s !→i between letters ("c@sino", "ca$ino", "v!agra").
 * An entry never matches part of a word: "ass" does not match "class",
 * "pass" or "assessment", nor "a.s.s.i.s.t". A phrase ("casino bonus")
 * matches whatever separates its words ("Casino   Bonus!", "casino-bonus")
 * or none ("casinobonus").
 */

/** Letters NFKD leaves alone, and common Cyrillic and Greek lookalikes of Latin letters (after lowercasing). */
const LOOKALIKES: Record<string, string> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i", ħ: "h", ŧ: "t", ƒ: "f",
  // Cyrillic
  а: "a", в: "b", е: "e", к: "k", м: "m", н: "h", о: "o", п: "n", р: "p", с: "c", т: "t", у: "y", х: "x",
  ѕ: "s", і: "i", ј: "j", ԁ: "d", ԛ: "q", ԝ: "w", ү: "y", һ: "h",
  // Greek
  α: "a", β: "b", ε: "e", ι: "i", κ: "k", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ζ: "z",
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join("")}]`, "gu");

/** Digits read as letters inside a word. */
const LEET_DIGITS: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t" };
const LEET_DIGIT_RE = /[013457]/g;

/** Below this length, an entry spelled out letter by letter must be the whole run ("a s s", not "a s s i s t"). */
const MIN_CUT_LENGTH = 4;

/**
 * Lowercase, without accents, invisible characters or compatibility forms
 * (full-width and styled letters become plain ones), lookalikes folded.
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]+/gu, "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(LOOKALIKE_RE, (c) => LOOKALIKES[c] ?? c);
}

type Atom = {
  /** A run of letters and digits. */
  text: string;
  /** One character: part of a word spelled out letter by letter. */
  single: boolean;
  /** Whitespace (not only punctuation) separates it from the previous atom. */
  spaceBefore: boolean;
};

const hasLetter = (s: string) => /\p{L}/u.test(s);
const deleet = (s: string) => s.replace(LEET_DIGIT_RE, (d) => LEET_DIGITS[d] ?? d);

/**
 * The letter-and-digit runs of a normalised text. With `symbols`, @ $ and
 * (inside a word) ! are first read as the letters they stand for, which would
 * break email addresses and prices: both readings are tried.
 */
function atomize(normalized: string, symbols: boolean): Atom[] {
  let text = normalized;
  if (symbols) {
    text = text.replace(/[\p{L}\p{N}@$!]+/gu, (run) => {
      // With letters ("c@sino"), or symbols only ("@$$"); not a price ("$455").
      if (!/[@$!]/.test(run) || !(hasLetter(run) || /^[@$]{2,}$/.test(run))) return run;
      // "!" only between letters: "wow!" and "!important" keep their "!".
      const [, lead, inner, trail] = /^(!*)(.*?)(!*)$/su.exec(run) ?? ["", "", run, ""];
      return lead + inner.replace(/[@$!]/g, (c) => (c === "@" ? "a" : c === "$" ? "s" : "i")) + trail;
    });
  }
  const atoms: Atom[] = [];
  let end = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const gap = text.slice(end, m.index);
    atoms.push({ text: m[0], single: Array.from(m[0]).length === 1, spaceBefore: atoms.length > 0 && /\s/u.test(gap) });
    end = m.index + m[0].length;
  }
  // Leetspeak: digits in a word with letters ("v1agra"), or in a word spelled
  // out with letters ("v 1 a g r a"); numbers ("455") stay numbers.
  let run: Atom[] = [];
  const endRun = () => {
    if (run.length > 1 && run.some((a) => hasLetter(a.text))) for (const a of run) a.text = deleet(a.text);
    run = [];
  };
  for (const atom of atoms) {
    if (atom.single) {
      run.push(atom);
      continue;
    }
    endRun();
    if (hasLetter(atom.text)) atom.text = deleet(atom.text);
  }
  endRun();
  return atoms;
}

/** The ways a text can be read: plainly, and with @ $ ! as letters (when it has any). */
function readings(text: string): Atom[][] {
  const normalized = normalizeText(text);
  const plain = atomize(normalized, false);
  return /[@$!]/.test(normalized) ? [plain, atomize(normalized, true)] : [plain];
}

/** The words of a text as the lists compare them: normalised, leetspeak read as letters. */
export function toTokens(text: string): string[] {
  return atomize(normalizeText(text), false).map((a) => a.text);
}

type Needle = {
  /** The entry's letters without separators. */
  joined: string;
  /** Offsets in `joined` where the entry had a separator. */
  breaks: Set<number>;
};

function toNeedles(entry: string): Needle[] {
  const needles = new Map<string, Needle>();
  for (const atoms of readings(entry)) {
    if (atoms.length === 0) continue;
    const breaks = new Set<number>();
    let joined = "";
    for (const atom of atoms) {
      if (joined) breaks.add(joined.length);
      joined += atom.text;
    }
    const key = `${joined}|${[...breaks].join(",")}`;
    if (!needles.has(key)) needles.set(key, { joined, breaks });
  }
  return [...needles.values()];
}

/** A text's atoms, indexed by their text to find where a needle may start. */
type Haystack = { atoms: Atom[]; starts: Map<string, number[]> };

function toHaystack(atoms: Atom[]): Haystack {
  const starts = new Map<string, number[]>();
  atoms.forEach((atom, i) => {
    const list = starts.get(atom.text);
    if (list) list.push(i);
    else starts.set(atom.text, [i]);
  });
  return { atoms, starts };
}

/**
 * Whether consecutive whole atoms, from atom `i`, spell the needle, each join
 * being allowed: inside a word (punctuation only), between two single letters
 * (spelled out), or where the entry itself had a separator.
 */
function matchesFrom({ atoms }: Haystack, i: number, { joined, breaks }: Needle): boolean {
  let pos = 0;
  let spelledWithSpaces = false;
  for (let j = i; j < atoms.length; j++) {
    const atom = atoms[j]!;
    if (!joined.startsWith(atom.text, pos)) return false;
    if (j > i && atom.spaceBefore && !breaks.has(pos)) {
      if (!(atoms[j - 1]!.single && atom.single)) return false;
      spelledWithSpaces = true;
    }
    pos += atom.text.length;
    if (pos < joined.length) continue;
    if (joined.length >= MIN_CUT_LENGTH) return true;
    // A short entry is not cut out of a longer word spelled out the same way:
    // "a s s" is not in "a s s i s t", nor "a.s.s" in "a.s.s.i.s.t"; a single
    // letter word next to it ("a s.o.b") is not part of it.
    const glued = (a: Atom | undefined, b: Atom | undefined) =>
      !!a && !!b && a.single && b.single && (!b.spaceBefore || spelledWithSpaces);
    return !glued(atoms[i - 1], atoms[i]) && !glued(atom, atoms[j + 1]);
  }
  return false;
}

function matches(haystack: Haystack, needle: Needle): boolean {
  for (let k = 1; k <= needle.joined.length; k++) {
    const starts = haystack.starts.get(needle.joined.slice(0, k));
    if (starts?.some((i) => matchesFrom(haystack, i, needle))) return true;
  }
  return false;
}

const needleCache = new WeakMap<readonly string[], Needle[][]>();

function needlesOf(list: readonly string[]): Needle[][] {
  let cached = needleCache.get(list);
  if (!cached) {
    cached = list.map(toNeedles);
    needleCache.set(list, cached);
  }
  return cached;
}

/** The first list entry found in any of the texts, or null. */
export function findListedWord(texts: string[], list: readonly string[]): string | null {
  if (list.length === 0) return null;
  const haystacks = texts.flatMap(readings).map(toHaystack);
  const needles = needlesOf(list);
  for (const [e, entry] of list.entries()) {
    for (const needle of needles[e] ?? []) {
      if (haystacks.some((haystack) => matches(haystack, needle))) return entry;
    }
  }
  return null;
}

function normalizeEmail(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase().replace(/\.+$/, "");
}

/**
 * The first entry matching an email, case-insensitively: a whole address
 * ("a@b.example", also matching "a+anything@b.example"), or a domain
 * ("@b.example", "b.example" or "*@b.example", subdomains included).
 */
export function findListedEmail(email: string, list: readonly string[]): string | null {
  const address = normalizeEmail(email);
  const at = address.lastIndexOf("@");
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const untagged = `${local.replace(/\+.*$/, "")}@${domain}`;
  for (const raw of list) {
    const entry = normalizeEmail(raw);
    if (!entry) continue;
    if (entry.includes("@") && !entry.startsWith("@") && !entry.startsWith("*@")) {
      if (entry === address || entry === untagged) return raw;
      continue;
    }
    const d = entry.replace(/^\*?@/, "").replace(/^\*?\./, "");
    if (!d) continue;
    if (domain === d || domain.endsWith("." + d)) return raw;
  }
  return null;
}

type IpRange = { range: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

/** An IPv4-mapped IPv6 address or range (::ffff:192.0.2.1) as the IPv4 one. */
function unmap({ range, bits }: IpRange): IpRange {
  if (range.kind() === "ipv6" && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return { range: (range as ipaddr.IPv6).toIPv4Address(), bits: bits - 96 };
  }
  return { range, bits };
}

/** A plain address: dotted-quad IPv4 (not "10" or "0x7f.1") or IPv6. */
function isStrictAddress(value: string): boolean {
  return ipaddr.isValid(value) && (ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value));
}

/**
 * An IP list entry: an address ("192.0.2.10", "2001:db8::1") or a CIDR range
 * ("192.0.2.0/24", "2001:db8::/32"), IPv4-mapped IPv6 read as IPv4; null
 * when it is neither.
 */
export function parseIpEntry(raw: string): IpRange | null {
  const entry = raw.trim();
  if (!entry) return null;
  try {
    const slash = entry.indexOf("/");
    if (slash >= 0) {
      const address = entry.slice(0, slash);
      if (!isStrictAddress(address) || !/^\d{1,3}$/.test(entry.slice(slash + 1))) return null;
      const [range, bits] = ipaddr.parseCIDR(entry);
      return unmap({ range, bits });
    }
    if (!isStrictAddress(entry)) return null;
    const range = ipaddr.parse(entry);
    return unmap({ range, bits: range.kind() === "ipv4" ? 32 : 128 });
  } catch {
    return null;
  }
}

export function isValidIpEntry(raw: string): boolean {
  return parseIpEntry(raw) !== null;
}

/** The first entry (an IP or a CIDR range, IPv4 or IPv6) that contains the IP. */
export function findListedIp(ip: string, list: readonly string[]): string | null {
  const value = ip.trim();
  if (!value || !ipaddr.isValid(value)) return null;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = unmap({ range: ipaddr.parse(value), bits: 128 }).range;
  } catch {
    return null;
  }
  for (const raw of list) {
    const entry = parseIpEntry(raw);
    // An unparsable entry never matches; the settings form refuses them.
    if (!entry || entry.range.kind() !== addr.kind()) continue;
    if (addr.match(entry.range, entry.bits)) return raw;
  }
  return null;
}
