import type { CrushrcDocument } from '../formats/crushrc';
import {
  DeclaredServer,
  EntryProblem,
  normalizeEntry,
} from '../normalizeEntry';

/** `mcp add` flags that take two words (`--env KEY VALUE`) and the entry key they fill. */
const PAIR_FLAGS: Record<string, 'env' | 'headers'> = {
  '--env': 'env',
  '--header': 'headers',
};
/** `mcp add` flags that may repeat. */
const LIST_FLAGS = new Set(['--args', '--disabled-tools', '--enabled-tools']);
/** Flags read into the entry; the rest (timeouts, OAuth client settings) are passed over with their value. */
const ENTRY_KEYS: Record<string, string> = {
  '--type': 'type',
  '--command': 'command',
  '--url': 'url',
  '--args': 'args',
  '--disabled': 'disabled',
};
const TRUE = /^(true|1|yes)$/i;

/** One `mcp add <name> [flags]` as the entry Crush's JSON would hold. */
function entryOf(words: string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (let i = 3; i < words.length; i++) {
    const [flag, inline] = words[i].startsWith('--')
      ? (words[i].split(/=(.*)/s) as [string, string?])
      : [words[i]];
    const pair = PAIR_FLAGS[flag];
    if (pair) {
      const map = (entry[pair] ?? {}) as Record<string, string>;
      map[words[i + 1] ?? ''] = words[i + 2] ?? '';
      entry[pair] = map;
      i += 2;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = words[i + 1];
      // A boolean flag may stand alone.
      if (
        flag === '--disabled' &&
        (next === undefined || next.startsWith('--'))
      )
        value = 'true';
      else {
        value = next ?? '';
        i++;
      }
    }
    const key = ENTRY_KEYS[flag];
    if (!key) continue;
    if (LIST_FLAGS.has(flag))
      entry[key] = [...((entry[key] as string[]) ?? []), value];
    else if (key === 'disabled') entry.disabled = TRUE.test(value);
    else entry[key] = value;
  }
  return entry;
}

/**
 * The servers a crushrc's `mcp add` commands declare, later commands
 * replacing earlier ones of the same name and `mcp remove`/`mcp rm`
 * dropping one, read in file order without running anything.
 */
export function crushrcServers(
  doc: CrushrcDocument,
): Array<DeclaredServer | EntryProblem> {
  const servers = new Map<
    string,
    { entry: Record<string, unknown>; offset: number }
  >();
  for (const { words, offset } of doc.commands) {
    if (words[0] !== 'mcp' || words[2] === undefined) continue;
    if (words[1] === 'add')
      servers.set(words[2], { entry: entryOf(words), offset });
    else if (words[1] === 'remove' || words[1] === 'rm')
      servers.delete(words[2]);
  }
  return [...servers].map(([name, { entry, offset }]) => {
    const server = normalizeEntry(name, entry, undefined, ['mcp', name]);
    return 'message' in server ? server : { ...server, textOffset: offset };
  });
}
