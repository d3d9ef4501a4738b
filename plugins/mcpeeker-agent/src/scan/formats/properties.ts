/** One key of a Java properties file, with where its line starts in the text. */
export interface PropertyEntry {
  key: string;
  value: string;
  offset: number;
}

/** A properties file as `java.util.Properties.load` reads it (Eclipse's preference store format). */
export interface PropertiesDocument {
  properties: PropertyEntry[];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5)
      return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return ESCAPES[escaped] ?? escaped;
  });
}

function trailingBackslashes(line: string): number {
  let count = 0;
  while (count < line.length && line[line.length - 1 - count] === '\\') count++;
  return count;
}

/**
 * Reads the properties: `#` and `!` comment lines, a line ending in an odd
 * number of backslashes continued on the next (its leading blanks dropped),
 * the key ending at the first unescaped `=`, `:` or blank, escapes
 * (`\n`, `\uXXXX`, `\:` …) decoded. A later key replaces an earlier one.
 */
export function parseProperties(text: string): PropertiesDocument {
  // Lines and where each starts (Windows writes \r\n).
  const pieces = text.split(/(\r\n|\r|\n)/);
  const lines: string[] = [];
  const starts: number[] = [];
  for (let k = 0, at = 0; k < pieces.length; k += 2) {
    lines.push(pieces[k]);
    starts.push(at);
    at += pieces[k].length + (pieces[k + 1]?.length ?? 0);
  }
  const properties = new Map<string, PropertyEntry>();
  for (let i = 0; i < lines.length; i++) {
    const start = starts[i];
    let last = lines[i].replace(/^[ \t\f]+/, '');
    if (last === '' || last.startsWith('#') || last.startsWith('!')) continue;
    // Joined once at the end, so a file of continued lines costs its length, not its square.
    const parts = [last];
    while (trailingBackslashes(last) % 2 === 1 && i + 1 < lines.length) {
      parts[parts.length - 1] = last.slice(0, -1);
      i++;
      last = lines[i].replace(/^[ \t\f]+/, '');
      parts.push(last);
    }
    const line = parts.join('');
    const match =
      /^((?:\\.|[^\\=: \t\f])*)[ \t\f]*[=:]?[ \t\f]*([\s\S]*)$/.exec(line)!;
    const key = unescape(match[1]);
    properties.set(key, { key, value: unescape(match[2]), offset: start });
  }
  return { properties: [...properties.values()] };
}
