/**
 * Parses an XML document with sax (strict: a document that is not
 * well-formed throws) into a small tree, for tests that read exports.
 * Element names keep their prefixes (`wp:comment`); text joins character
 * data and CDATA sections.
 */
import sax from "sax";

export type XmlNode = { name: string; attributes: Record<string, string>; children: XmlNode[]; text: string };

export function parseXml(xml: string): XmlNode {
  const parser = sax.parser(true, { trim: false, normalize: false });
  const root: XmlNode = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  parser.onopentag = (tag) => {
    const node: XmlNode = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: "" };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (text) => {
    stack[stack.length - 1]!.text += text;
  };
  parser.oncdata = (text) => {
    stack[stack.length - 1]!.text += text;
  };
  parser.onerror = (error) => {
    throw error;
  };
  parser.write(xml).close();
  if (stack.length !== 1) throw new Error("unclosed elements");
  return root;
}

/** The children of `node` named `name`. */
export function all(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

/** The one child named `name` (throws when there is none). */
export function one(node: XmlNode, name: string): XmlNode {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${node.name}> has no <${name}>`);
  return found;
}

/** The text of the child named `name`. */
export function textOf(node: XmlNode, name: string): string {
  return one(node, name).text;
}
