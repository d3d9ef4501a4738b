import type { XmlElement } from '../formats/xml';
import {
  DeclaredServer,
  EntryProblem,
  normalizeEntry,
} from '../normalizeEntry';

/** The AI Assistant's MCP components: the IDE's (`llm.mcpServers.xml`) and a project's (`workspace.xml`). */
const COMPONENTS = new Set([
  'McpApplicationServerCommands',
  'McpProjectServerCommands',
]);

/**
 * Splits a JetBrains `arguments` value the way the IDE's parameters list
 * does: blanks separate, double quotes group (and are dropped).
 */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (const char of text) {
    if (char === '"') {
      quoted = !quoted;
      current ??= '';
    } else if (!quoted && /\s/.test(char)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else current = (current ?? '') + char;
  }
  if (current !== undefined) args.push(current);
  return args;
}

/** `<x name|key="K" value="V"/>` pairs anywhere below an element. */
function pairs(element: XmlElement, into: Record<string, string> = {}) {
  for (const child of element.children) {
    const key = child.attributes.name ?? child.attributes.key;
    if (key !== undefined && child.attributes.value !== undefined)
      into[key] = child.attributes.value;
    pairs(child, into);
  }
  return into;
}

/**
 * One entry of the component, in any of its layouts: 2025.1–2025.2
 * `<McpServerCommand>` with `programPath`, `arguments` (one string) and
 * `<envs><env name value/></envs>`; later `<commands>`/`<urls>` holding
 * `McpServerCommand`/`McpServerURL` or `McpServerConfigurationProperties`
 * with `command`, `args` (`<list><option value/></list>`), `env` and
 * `headers` (`<map><entry key value/></map>`), `url`. An entry with only
 * state (name, enabled, allowed tools: since 2025.3 the definition is in
 * `.ai/mcp/mcp.json`) is no server here.
 */
function entryOf(
  element: XmlElement,
  index: number,
): DeclaredServer | EntryProblem {
  const options: Record<string, string> = {};
  const entry: Record<string, unknown> = {};
  for (const child of element.children) {
    const name = child.attributes.name;
    if (child.name === 'envs') entry.env = pairs(child);
    else if (child.name !== 'option' || name === undefined) continue;
    else if (name === 'args') {
      entry.args = child.children
        .flatMap(list => list.children)
        .map(item => item.attributes.value ?? '');
    } else if (name === 'env' || name === 'headers') entry[name] = pairs(child);
    else if (child.attributes.value !== undefined && !(name in options))
      options[name] = child.attributes.value;
  }
  const serverName = options.name || `#${index + 1}`;
  const command = options.programPath || options.command;
  if (command) entry.command = command;
  if (options.arguments && entry.args === undefined)
    entry.args = splitArguments(options.arguments);
  if (options.url) entry.url = options.url;
  if (options.enabled === 'false') entry.enabled = false;
  if (!command && !options.url) {
    return {
      serverName,
      message: 'state only: the definition is in .ai/mcp/mcp.json',
      notAServer: true,
    };
  }
  const server = normalizeEntry(serverName, entry, undefined, [serverName]);
  return 'message' in server
    ? server
    : { ...server, textOffset: element.offset };
}

/** The servers of a JetBrains options file; other components are not read. */
export function jetbrainsServers(
  roots: XmlElement[],
): Array<DeclaredServer | EntryProblem> {
  const entries: XmlElement[] = [];
  for (const root of roots) {
    for (const component of root.children) {
      if (
        component.name !== 'component' ||
        !COMPONENTS.has(component.attributes.name ?? '')
      )
        continue;
      for (const child of component.children) {
        if (child.name === 'commands' || child.name === 'urls')
          entries.push(...child.children);
        else entries.push(child);
      }
    }
  }
  return entries
    .filter(e => e.name !== 'option')
    .map((entry, i) => entryOf(entry, i))
    .filter(item => !('notAServer' in item));
}
