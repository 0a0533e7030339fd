/**
 * The few pieces of XML writing the WXR export needs (lib/porting/wxr-export.ts),
 * written the way WordPress's own exporter writes them
 * (wp-admin/includes/export.php): text in CDATA sections (`wxr_cdata()`),
 * `]]>` split across two sections, and nothing XML 1.0 forbids.
 */

/**
 * Characters XML 1.0 does not allow anywhere (not even escaped): controls
 * other than tab/newline/carriage return, lone UTF-16 surrogates, U+FFFE
 * and U+FFFF. With the `u` flag a lone surrogate is its own code point and
 * matches; a valid pair (an emoji) is one code point above U+FFFF and does not.
 */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** The text without the characters XML 1.0 forbids. */
export function stripInvalidXml(text: string): string {
  return text.replace(XML_INVALID, "");
}

const TEXT_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
const ATTRIBUTE_ENTITIES: Record<string, string> = { ...TEXT_ENTITIES, '"': "&quot;", "'": "&apos;" };

/** Element text: `&`, `<` and `>` as entities, forbidden characters dropped. */
export function escapeText(text: string): string {
  return stripInvalidXml(text).replace(/[&<>]/g, (c) => TEXT_ENTITIES[c]!);
}

/** An attribute value (for double or single quotes). */
export function escapeAttribute(text: string): string {
  return stripInvalidXml(text).replace(/[&<>"']/g, (c) => ATTRIBUTE_ENTITIES[c]!);
}

/**
 * A CDATA section holding `text` exactly, like WordPress's `wxr_cdata()`: a
 * `]]>` inside would end the section, so it is split between two sections
 * (`]]` ends one, `>` starts the next), which any XML parser joins again.
 */
export function cdata(text: string): string {
  return `<![CDATA[${stripInvalidXml(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** `<name>text</name>` with the text escaped, or in a CDATA section. */
export function element(name: string, text: string | number, options: { cdata?: boolean } = {}): string {
  const value = typeof text === "number" ? String(text) : options.cdata ? cdata(text) : escapeText(text);
  return `<${name}>${value}</${name}>`;
}

/**
 * Joins the strings an export yields into chunks of at least `size`
 * characters (the last may be shorter), so a stream is written in a few large
 * pieces rather than one per element.
 */
export async function* coalesce(parts: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let buffer: string[] = [];
  let length = 0;
  for await (const part of parts) {
    buffer.push(part);
    length += part.length;
    if (length >= size) {
      yield buffer.join("");
      buffer = [];
      length = 0;
    }
  }
  if (length > 0) yield buffer.join("");
}
