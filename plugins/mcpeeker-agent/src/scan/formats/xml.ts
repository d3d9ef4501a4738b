import { XMLParser } from 'fast-xml-parser';

/** One element of an XML options file, with where its start tag is in the text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Offset of the element's `<` in the file's text. */
  offset: number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  captureMetaData: true,
  // The five XML entities and character references (&#10; is how JetBrains
  // writes a newline in a value). DOCTYPE entities are expanded within the
  // parser's limits, so a file can't grow without bound.
  processEntities: true,
  htmlEntities: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElements(nodes: Ordered[]): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find(k => k !== ':@');
    if (
      !name ||
      name === '#text' ||
      name.startsWith('?') ||
      name === '#comment'
    )
      continue;
    const meta = (node as Record<string, unknown>)[META] as
      | { startIndex?: number }
      | undefined;
    elements.push({
      name,
      attributes: { ...(node[':@'] ?? {}) },
      children: toElements((node[name] as Ordered[]) ?? []),
      offset: meta?.startIndex ?? 0,
    });
  }
  return elements;
}

/** The document's top-level elements (JetBrains files have one: `<application>` or `<project>`). */
export function parseXml(text: string): XmlElement[] {
  return toElements(parser.parse(text) as Ordered[]);
}
