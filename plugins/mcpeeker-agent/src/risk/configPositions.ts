import { findNodeAtLocation, Node, ParseError, parseTree } from 'jsonc-parser';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ConfigFormat } from '../scan/clientTable';

/** A place inside a parsed config: keys and array indexes from the top. */
export type ConfigPath = Array<string | number>;

export interface Position {
  line: number;
  column: number;
}

/** `$.mcpServers.github.env.GITHUB_TOKEN`, `$["mcp.servers"]["my server"].args[2]`. */
export function formatJsonPath(path: ConfigPath): string {
  return `$${path
    .map(segment => {
      if (typeof segment === 'number') return `[${segment}]`;
      return /^[A-Za-z_$][\w$-]*$/.test(segment)
        ? `.${segment}`
        : `[${JSON.stringify(segment)}]`;
    })
    .join('')}`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') starts.push(i + 1);
  }
  return starts;
}

function positionAt(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low] + 1 };
}

/** Formats whose documents are not what a JSON path addresses: an entry is located by its offset. */
const TEXT_FORMATS: ReadonlySet<ConfigFormat> = new Set([
  'xml',
  'properties',
  'crushrc',
]);

/**
 * Where a path's key (or array item) starts in a config file's text, 1-based:
 * the exact key when it is there, else the nearest enclosing one. JSON and
 * YAML from their syntax trees (JSON5 from the JSON tree when the file is
 * also JSONC); TOML (no tree with offsets) by finding the table header and
 * then the key's line below it. XML, properties and crushrc entries carry
 * their offset (`positionAt`).
 */
export class ConfigPositions {
  private starts?: number[];
  private json?: Node | null;
  private yaml?: ReturnType<typeof parseDocument>;
  private yamlLines?: LineCounter;

  constructor(
    private readonly text: string,
    private readonly format: ConfigFormat,
  ) {}

  /** The JSON path of a place, for formats a JSON path addresses. */
  jsonPathOf(path: ConfigPath): string | undefined {
    return TEXT_FORMATS.has(this.format) ? undefined : formatJsonPath(path);
  }

  /** The line and column of an offset in the text. */
  positionAt(offset: number): Position {
    return positionAt(this.lines(), offset);
  }

  positionOf(path: ConfigPath): Position | undefined {
    try {
      if (this.format === 'json' || this.format === 'json5')
        return this.inJson(path);
      if (this.format === 'yaml') return this.inYaml(path);
      if (this.format === 'toml') return this.inToml(path);
      return undefined;
    } catch {
      // A position is a courtesy: a file the parser reads but we can't map loses only the line.
      return undefined;
    }
  }

  private lines() {
    this.starts ??= lineStarts(this.text);
    return this.starts;
  }

  private inJson(path: ConfigPath): Position | undefined {
    if (this.json === undefined) {
      const errors: ParseError[] = [];
      const tree = parseTree(this.text, errors, {
        allowTrailingComma: true,
        disallowComments: false,
      });
      // A JSON5 file with unquoted keys or single quotes has no reliable tree.
      this.json = this.format === 'json5' && errors.length > 0 ? null : tree;
    }
    if (!this.json) return undefined;
    for (let length = path.length; length >= 0; length--) {
      const node = findNodeAtLocation(this.json, path.slice(0, length));
      if (!node) continue;
      // A property's value: point at its key, where a reader looks.
      const at =
        node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return positionAt(this.lines(), at);
    }
    return undefined;
  }

  private inYaml(path: ConfigPath): Position | undefined {
    if (!this.yaml) {
      this.yamlLines = new LineCounter();
      this.yaml = parseDocument(this.text, { lineCounter: this.yamlLines });
    }
    let node: unknown = this.yaml.contents;
    let offset: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          item =>
            (isScalar(item.key) ? String(item.key.value) : item.key) ===
            String(segment),
        );
        if (!pair) break;
        offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: number[] } | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    if (offset === undefined) return undefined;
    const { line, col } = this.yamlLines!.linePos(offset);
    return { line, column: col };
  }

  private inToml(path: ConfigPath): Position | undefined {
    const lines = this.text.split('\n');
    const key = (segment: string | number) =>
      `(?:${String(segment).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|"${String(
        segment,
      ).replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}")`;
    let found: Position | undefined;
    // The deepest table header the path names: [mcp_servers.github] or [mcp_servers.github.env].
    for (let depth = path.length; depth >= 1 && !found; depth--) {
      const header = new RegExp(
        `^\\s*\\[\\s*${path
          .slice(0, depth)
          .map(key)
          .join('\\s*\\.\\s*')}\\s*\\]\\s*(#.*)?$`,
      );
      const index = lines.findIndex(line => header.test(line));
      if (index < 0) continue;
      found = { line: index + 1, column: lines[index].search(/\S/) + 1 };
      // The next key of the path, as `key = …` inside that table.
      const next = path[depth];
      if (next === undefined || typeof next === 'number') break;
      const assignment = new RegExp(`^\\s*${key(next)}\\s*=`);
      for (let i = index + 1; i < lines.length; i++) {
        if (/^\s*\[/.test(lines[i])) break;
        if (assignment.test(lines[i])) {
          found = { line: i + 1, column: lines[i].search(/\S/) + 1 };
          break;
        }
      }
    }
    return found;
  }
}
