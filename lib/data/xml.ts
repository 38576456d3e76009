/**
 * XML through a real parser (fast-xml-parser), as a small typed element tree. Comments and
 * processing instructions are dropped, CDATA sections are text, and entities are decoded (the five
 * XML entities, numeric character references and internal DOCTYPE entities). Malformed XML is an
 * error naming the source, line and column. Used by the VOC annotation and MULAN label readers.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AslInputError, fail } from '../core/errors';
import { stripBom } from './files';
import { lineOf } from './json-file';

/** An element: its tag name, attributes, children (elements and text, in document order) and line. */
export interface XmlElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlNode[];
  /** 1-based line of the start tag. */
  line: number;
}

/** A child of an element: an element or a piece of (trimmed, entity-decoded) text. */
export type XmlNode = XmlElement | string;

const parser = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
/** The key of a node's metadata (its start offset); declared as the `Symbol` wrapper type, so narrowed here. */
const META: unknown = XMLParser.getMetaDataSymbol();

function isRecord(x: unknown): x is Record<string | symbol, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Converts fast-xml-parser's ordered output to {@link XmlNode}s, checking its shape as it goes. */
function toNodes(value: unknown, text: string, source: string, fn: string): XmlNode[] {
  if (!Array.isArray(value)) return fail(fn, undefined, `${source}: the XML parser returned an unexpected structure`);
  const out: XmlNode[] = [];
  for (const item of value) {
    if (!isRecord(item)) return fail(fn, undefined, `${source}: the XML parser returned an unexpected node`);
    if ('#text' in item) {
      out.push(String(item['#text']));
      continue;
    }
    const name = Object.keys(item).find((k) => k !== ':@');
    if (name === undefined) continue;
    const attrs = item[':@'];
    const attributes: Record<string, string> = {};
    if (isRecord(attrs)) for (const [k, v] of Object.entries(attrs)) attributes[k] = String(v);
    const meta = typeof META === 'symbol' ? item[META] : undefined;
    const start = isRecord(meta) && typeof meta.startIndex === 'number' ? meta.startIndex : 0;
    out.push({ name, attributes, children: toNodes(item[name], text, source, fn), line: lineOf(text, start) });
  }
  return out;
}

/**
 * Parses an XML document and returns its root element. Malformed XML (unclosed or mismatched tags,
 * bad attributes, text after the root, …) and a document without exactly one root element are
 * errors naming `source`, with the line and column when the parser gives them.
 */
export function parseXmlDocument(xml: string, source: string, fn: string): XmlElement {
  const text = stripBom(xml);
  const check = XMLValidator.validate(text);
  if (check !== true) {
    // The validator gives a line and usually a column (its types promise both; an empty text has no column).
    const { line, col, msg } = check.err;
    const where = (typeof line === 'number' ? `:${line}` : '') + (typeof line === 'number' && typeof col === 'number' ? `:${col}` : '');
    fail(fn, undefined, `${source}${where}: malformed XML: ${msg}`);
  }
  let nodes: XmlNode[];
  try {
    // The parser normalises line ends (CRLF and CR to LF, as XML does) and counts offsets after it.
    nodes = toNodes(parser.parse(text), text.replace(/\r\n?/g, '\n'), source, fn);
  } catch (e) {
    if (e instanceof RangeError) fail(fn, undefined, `${source}: XML nested too deeply to read`);
    if (e instanceof Error && !(e instanceof AslInputError)) fail(fn, undefined, `${source}: malformed XML: ${e.message}`);
    throw e;
  }
  const roots = nodes.filter(isElement);
  if (roots.length !== 1) fail(fn, undefined, `${source}: malformed XML: expected one root element, found ${roots.length}`);
  return roots[0];
}

/** Whether a node is an element (not text). */
export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** The child elements of `el` named `name`, in document order. */
export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && c.name === name);
}

/**
 * The text of an element that holds only text (CDATA included), trimmed; an element child is an
 * error naming `source` and the line.
 */
export function elementText(el: XmlElement, source: string, fn: string): string {
  const child = el.children.find(isElement);
  if (child) fail(fn, undefined, `${source}:${child.line}: <${el.name}> must hold text only, found <${child.name}>`);
  return el.children.join('').trim();
}
