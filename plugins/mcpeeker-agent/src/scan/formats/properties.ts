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

/**
 * Reads the properties: `#` and `!` comment lines, a line ending in an odd
 * number of backslashes continued on the next (its leading blanks dropped),
 * the key ending at the first unescaped `=`, `:` or blank, escapes
 * (`\n`, `\uXXXX`, `\:` …) decoded. A later key replaces an earlier one.
 */
export function parseProperties(text: string): PropertiesDocument {
  const lines = text.split(/\r\n|\r|\n/);
  const properties = new Map<string, PropertyEntry>();
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const start = offset;
    offset += lines[i].length + 1;
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      i++;
      offset += lines[i].length + 1;
      line = line.slice(0, -1) + lines[i].replace(/^[ \t\f]+/, '');
    }
    const match =
      /^((?:\\.|[^\\=: \t\f])*)[ \t\f]*[=:]?[ \t\f]*([\s\S]*)$/.exec(line)!;
    const key = unescape(match[1]);
    properties.set(key, { key, value: unescape(match[2]), offset: start });
  }
  return { properties: [...properties.values()] };
}
