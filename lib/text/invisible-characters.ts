/**
 * Characters that draw nothing (or rearrange what follows) and so let one
 * name pass for another: controls, bidi controls, zero-width characters.
 * Used by the field rules of comments and accounts; free of server-only
 * imports, since the same rules run in forms.
 */

/**
 * Refused in names, email addresses and web addresses:
 * - `Cc`: C0 controls, DEL and C1 controls (U+0000–U+001F, U+007F–U+009F);
 * - `Cf`: format characters, among them the bidi controls (U+061C, U+200E,
 *   U+200F, U+202A–U+202E, U+2066–U+2069), zero-width space, non-joiner and
 *   joiner (U+200B–U+200D), word joiner (U+2060), BOM (U+FEFF), soft hyphen;
 * - `Zl`, `Zp`: line and paragraph separators; `Cs`: lone surrogates;
 * - the Hangul fillers and the combining grapheme joiner, letters and marks
 *   that render as nothing;
 * - every other default-ignorable code point (variation selectors
 *   U+FE00–U+FE0F and U+E0100–U+E01EF, Khmer and Mongolian invisible signs…),
 *   which render as nothing but make "Alice" and "Alice\uFE0F" two names.
 *   U+FE0F right after an emoji (its emoji presentation, ❤️) is allowed.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u034F\u115F\u1160\u3164\uFFA0]/u;

/**
 * Emoji sequences that need a format character and show as one visible
 * picture: a zero-width joiner between two emoji (👩‍💻), and the tag
 * characters of subdivision flags (🏴 + tags + cancel tag).
 */
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D(?=\p{Extended_Pictographic})/gu;
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
const EMOJI_PRESENTATION = /(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?)\uFE0F/gu;

/** The first invisible or control character in `value`, as `U+XXXX`, or null. */
export function findInvisibleCharacter(value: string): string | null {
  const visible = value.replace(EMOJI_TAG_SEQUENCE, "\u{1F3F4}").replace(EMOJI_ZWJ, "").replace(EMOJI_PRESENTATION, "");
  const match = INVISIBLE.exec(visible);
  if (!match) return null;
  return `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The field error for a value holding such a character; `what` is e.g. "Your name". */
export function invisibleCharacterMessage(what: string, codePoint: string): string {
  return `${what} contains an invisible or control character (${codePoint}). Please remove it.`;
}

/**
 * Removed from the text of a comment: C0 controls except tab and line feed
 * (CR and CRLF become LF first), DEL, C1 controls, and the bidi embeddings and
 * overrides U+202A–U+202E, which Unicode has replaced by isolates and which
 * reverse the text that follows (a link that reads as another). Kept: tabs,
 * line feeds, the bidi marks (LRM, RLM, ALM) and isolates (U+2066–U+2069)
 * that right-to-left writers use, and zero-width joiners and non-joiners,
 * which several scripts and emoji need.
 */
const CONTENT_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E]/g;

/** Normalizes comment text: NFC, LF line ends (also for U+2028/U+2029), no controls but tab and LF (see above). */
export function cleanCommentText(value: string): string {
  return value.replace(/\r\n?|[\u2028\u2029]/g, "\n").replace(CONTENT_CONTROLS, "").normalize("NFC");
}
