/** A one-line excerpt: whitespace folded, at most `max` characters (cut at a character, not a UTF-16 half). */
export function excerpt(text: string, max: number): string {
  const folded = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(folded);
  return chars.length <= max ? folded : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
