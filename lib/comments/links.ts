import { LinkifyIt } from "linkify-it";

// Like WordPress's make_clickable: full http(s) URLs and "www." addresses;
// bare domains ("example.org") stay text.
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });

const MAY_HOLD_LINK = /https?:\/\/|www\./i;

export type TextSegment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** Splits plain text into text and http(s) link segments (for auto-linking). */
export function splitLinks(text: string): TextSegment[] {
  // Only "http(s)://" and "www." addresses become links: most comments have
  // none, and skipping linkify's Unicode-wide scan for them is most of the
  // cost of a thread (decision 013).
  if (!MAY_HOLD_LINK.test(text)) return text ? [{ kind: "text", text }] : [];
  const matches = linkify.match(text) ?? [];
  const segments: TextSegment[] = [];
  let last = 0;
  for (const m of matches) {
    const href = m.url;
    if (!/^https?:\/\//i.test(href)) continue;
    if (!/^(https?:\/\/|www\.)/i.test(m.raw)) continue;
    if (m.index > last) segments.push({ kind: "text", text: text.slice(last, m.index) });
    segments.push({ kind: "link", text: m.raw, href });
    last = m.lastIndex;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}

/** How many links a text holds (what the "more than N links" hold rule counts). */
export function countLinks(text: string): number {
  return splitLinks(text).filter((s) => s.kind === "link").length;
}
