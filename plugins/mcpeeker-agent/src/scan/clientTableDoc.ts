import {
  Base,
  CLIENTS,
  ClientLocation,
  ConfigFormat,
  EXTRACTOR_KEYS,
  Platform,
} from './clientTable';
import { appliesTo } from './locations';

/** The lines of docs/agent.md between these markers are this module's output. */
export const DOC_START = '<!-- client-table:start -->';
export const DOC_END = '<!-- client-table:end -->';

const OS: Platform[] = ['linux', 'darwin', 'win32'];

/** How each base is written in the docs, per OS; absent where it does not exist. */
const BASE_TEXT: Record<
  Exclude<Base, 'project'>,
  Partial<Record<Platform, string>>
> = {
  home: { linux: '~', darwin: '~', win32: '%USERPROFILE%' },
  appSupport: {
    linux: '~/.config',
    darwin: '~/Library/Application Support',
    win32: '%APPDATA%',
  },
  xdgConfig: { linux: '~/.config', darwin: '~/.config', win32: '%APPDATA%' },
  dotConfig: {
    linux: '~/.config',
    darwin: '~/.config',
    win32: '%USERPROFILE%\\.config',
  },
  xdgData: { linux: '~/.local/share', darwin: '~/.local/share' },
  localAppData: { win32: '%LOCALAPPDATA%' },
  vscodeUser: {
    linux: '~/.config/{Code,Code - Insiders,VSCodium}/User',
    darwin:
      '~/Library/Application Support/{Code,Code - Insiders,VSCodium}/User',
    win32: '%APPDATA%\\{Code,Code - Insiders,VSCodium}\\User',
  },
  managed: {
    linux: '/etc',
    darwin: '/Library/Application Support',
    win32: '%ProgramData%',
  },
  etc: { linux: '/etc', darwin: '/etc' },
  programFiles: { win32: '%ProgramFiles%' },
  systemRoot: { linux: '/', darwin: '/', win32: 'C:' },
};

const FORMAT_TEXT: Record<ConfigFormat, string> = {
  json: 'JSON (JSONC)',
  json5: 'JSON5',
  toml: 'TOML',
  yaml: 'YAML',
  xml: 'XML',
  properties: 'Eclipse preferences (JSON in a value)',
  crushrc: 'Bash (`crushrc`, read, never run)',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

function join(os: Platform, ...parts: string[]) {
  return parts.join(os === 'win32' ? '\\' : '/');
}

/** A location's path as the docs write it on one OS, or `—` where it does not exist. */
export function pathText(location: ClientLocation, os: Platform): string {
  if (!appliesTo(location, os)) return '—';
  if (location.base === 'project')
    return code(join(os, '<project>', ...location.path));
  const base = BASE_TEXT[location.base][os];
  if (base === undefined) return '—';
  if (location.folderFrom) {
    const pointer = join(os, base, ...location.folderFrom.path);
    return `${code(
      join(os, `<${location.folderFrom.key}>`, ...location.path),
    )}, the folder \`${location.folderFrom.key}\` of ${code(pointer)} names`;
  }
  return code(join(os, base, ...location.path));
}

/** The generated part of docs/agent.md: every client, every path per OS and scope with its source, and what is not read. */
export function clientTableMarkdown(): string {
  const lines: string[] = [DOC_START, ''];
  lines.push(
    '| client | `client` id | format | where the servers are in the file |',
    '| --- | --- | --- | --- |',
  );
  for (const client of CLIENTS) {
    const own = client.locations.filter(l => !l.sharedWith);
    const formats = [...new Set(own.map(l => FORMAT_TEXT[l.format]))];
    const keys = [...new Set(own.map(l => EXTRACTOR_KEYS[l.extract]))];
    lines.push(
      `| ${cell(client.name)} | ${code(client.id)} | ${cell(
        formats.join(', ') || '—',
      )} | ${cell(
        keys.join('; ') || `as \`${client.locations[0]?.sharedWith}\``,
      )} |`,
    );
  }
  lines.push(
    '',
    '| `client` | scope | Linux | macOS | Windows | source |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const client of CLIENTS) {
    for (const location of client.locations) {
      const source = location.source ?? client.source;
      const shared = location.sharedWith
        ? `the file ${code(location.sharedWith)} reads, reported as ${code(
            location.sharedWith,
          )}'s; `
        : '';
      lines.push(
        `| ${code(client.id)} | ${location.scope} | ${OS.map(os =>
          cell(pathText(location, os)),
        ).join(' | ')} | ${cell(shared + source)} |`,
      );
    }
  }
  lines.push('', 'Notes by client: what is not read, and other limits.', '');
  for (const client of CLIENTS) {
    if (client.notRead)
      lines.push(`- ${client.name} (${code(client.id)}): ${client.notRead}`);
  }
  lines.push('', DOC_END);
  return lines.join('\n');
}

/**
 * A Markdown block compared the way a reader sees it: table cells trimmed
 * and their padding and separator dashes ignored, so a formatter that
 * aligns the table does not make it differ.
 */
export function normalizeMarkdown(block: string): string[] {
  return block
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .map(line => {
      if (!line.startsWith('|')) return line.replace(/\s+/g, ' ');
      const cells = line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map(c => c.trim().replace(/\s+/g, ' '));
      return cells.every(c => /^:?-+:?$/.test(c))
        ? cells.map(() => '---').join('|')
        : cells.join('|');
    });
}
