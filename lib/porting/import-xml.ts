import "server-only";
import fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import sax from "sax";
import { ImportFormatError } from "./import-report";

/**
 * Streams an XML file through sax (strict, with namespaces): the file is
 * read in 64 KiB chunks and never held whole, so a 200 MB export needs a few
 * megabytes. Element names are canonical: the WXR namespaces get their usual
 * prefixes whatever the file calls them (`wp:`, `excerpt:`, `content:`,
 * `dc:`, `wfw:`, `dsq:`), other elements keep their local name.
 */

const NAMESPACES: [RegExp, string][] = [
  [/^https?:\/\/wordpress\.org\/export\/1\.\d+\/excerpt\/?$/, "excerpt"],
  [/^https?:\/\/wordpress\.org\/export\/1\.\d+\/?$/, "wp"],
  [/^https?:\/\/purl\.org\/rss\/1\.0\/modules\/content\/?$/, "content"],
  [/^https?:\/\/purl\.org\/dc\/elements\/1\.1\/?$/, "dc"],
  [/^https?:\/\/wellformedweb\.org\/CommentAPI\/?$/, "wfw"],
  [/^https?:\/\/disqus\.com\/disqus-internals\/?$/, "dsq"],
];

const prefixCache = new Map<string, string>();
function prefixOf(uri: string): string {
  let prefix = prefixCache.get(uri);
  if (prefix === undefined) {
    prefix = NAMESPACES.find(([re]) => re.test(uri))?.[1] ?? (uri === "" || uri === "http://disqus.com" ? "" : `{${uri}}`);
    prefixCache.set(uri, prefix);
  }
  return prefix;
}

/** The usual prefix of a namespace ("wp", "dsq", …), "" for none, `{uri}` for one the importers do not know. */
export function canonicalPrefix(uri: string): string {
  return prefixOf(uri);
}

function canonical(node: { local: string; uri: string }): string {
  const prefix = prefixOf(node.uri);
  if (!prefix) return node.local;
  return prefix.startsWith("{") ? `${prefix}${node.local}` : `${prefix}:${node.local}`;
}

/** The most text one element may hold (8 M characters); more is flagged, not kept. */
export const MAX_ELEMENT_TEXT = 8 * 1024 * 1024;

/** An element's name as a message shows it (without a namespace in braces). */
export function displayName(name: string): string {
  return name.replace(/^\{[^}]*\}/, "");
}

export type XmlElement = {
  name: string;
  attributes: Record<string, string>;
  line: number;
  column: number;
  /** The prefix as written in the file ("wp" in `<wp:post_id>`), its local name and the namespace it is bound to. */
  prefix: string;
  local: string;
  uri: string;
  /** The namespace bindings in scope at this element (declared on it or an ancestor): prefix → URI. */
  namespaces: Readonly<Record<string, string>>;
};

export type XmlHandlers = {
  /** An element opens; `path` is its ancestors' names, outermost first. */
  open?: (element: XmlElement, path: readonly string[]) => void;
  /** An element closes with its text (only for an element without child elements; "" otherwise); `overflow` when its text passed MAX_ELEMENT_TEXT. */
  close?: (element: XmlElement, text: string, path: readonly string[], overflow: boolean) => void;
};

export type ReadXmlOptions = {
  /** After each chunk is parsed (and its callbacks have run): the bytes read so far. Awaited, so writes hold back the reading. */
  afterChunk?: (bytesRead: number) => Promise<void> | void;
  highWaterMark?: number;
};

/** Streams `file` through the handlers; a malformed file throws ImportFormatError with its line and column. */
export async function readXml(file: string, handlers: XmlHandlers, options: ReadXmlOptions = {}): Promise<{ bytes: number }> {
  const parser = sax.parser(true, { xmlns: true, position: true, trim: false, normalize: false });
  const stack: XmlElement[] = [];
  const names: string[] = [];
  let text = "";
  let overflow = false;
  let hadChild = false;
  let parseError: ImportFormatError | null = null;
  let sawRoot = false;

  const position = () => ({ line: parser.line + 1, column: parser.column });
  parser.onerror = (error: Error): void => {
    const first = (error.message.split("\n")[0] ?? error.message).replace(/\.$/, "");
    const { line, column } = position();
    parseError ??= sawRoot
      ? new ImportFormatError(`The file is not well-formed XML: ${first}`, line, column)
      : new ImportFormatError(`This is not an XML file: ${first}`, line, column);
  };
  parser.onprocessinginstruction = (pi: { name: string; body: string }) => {
    if (pi.name !== "xml") return;
    const encoding = /encoding\s*=\s*["']([^"']+)["']/i.exec(pi.body)?.[1];
    if (encoding && !/^utf-?8$/i.test(encoding)) {
      const { line, column } = position();
      throw new ImportFormatError(`The file is encoded as ${encoding}; only UTF-8 exports can be imported (WordPress writes UTF-8 unless the site's charset was changed)`, line, column);
    }
  };
  parser.onopentag = (node: sax.QualifiedTag) => {
    sawRoot = true;
    const attributes: Record<string, string> = {};
    for (const attr of Object.values(node.attributes)) attributes[canonical(attr)] = attr.value;
    const element: XmlElement = {
      name: canonical(node),
      attributes,
      line: parser.line + 1,
      column: parser.column,
      prefix: node.prefix,
      local: node.local,
      uri: node.uri,
      namespaces: node.ns,
    };
    handlers.open?.(element, names);
    stack.push(element);
    names.push(element.name);
    text = "";
    overflow = false;
    hadChild = false;
  };
  const addText = (t: string) => {
    if (stack.length === 0 || overflow) return;
    if (text.length + t.length > MAX_ELEMENT_TEXT) {
      overflow = true;
      text = "";
      return;
    }
    text += t;
  };
  parser.ontext = addText;
  parser.oncdata = addText;
  parser.onclosetag = () => {
    const element = stack.pop()!;
    names.pop();
    handlers.close?.(element, hadChild ? "" : text, names, overflow);
    text = "";
    overflow = false;
    hadChild = true;
  };

  const stream = fs.createReadStream(file, { highWaterMark: options.highWaterMark ?? 64 * 1024 });
  const decoder = new StringDecoder("utf8");
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      parser.write(decoder.write(chunk));
      if (parseError) throw parseError;
      await options.afterChunk?.(bytes);
    }
    parser.write(decoder.end());
    if (!sawRoot) throw new ImportFormatError("The file is empty or holds no XML element");
    parser.close();
    if (parseError) throw parseError;
  } catch (error) {
    if (parseError) throw parseError;
    if (error instanceof ImportFormatError && error.line === null && !/\(line \d+/.test(error.message)) {
      const { line, column } = position();
      throw new ImportFormatError(error.message, line, column);
    }
    throw error;
  } finally {
    stream.destroy();
  }
  return { bytes };
}
