import { canonicalJson, sha256Hex } from './hashing';
import { bareToolName } from './toolDefinition';

/**
 * One tool of a server as every layer reports it: its bare name and its
 * definition hash (`toolDefinitionHash`).
 *
 * @public
 */
export interface ToolRef {
  name: string;
  hash: string;
}

/**
 * How a server's tools differ from the set pinned at approval: tools it
 * offers now that it did not (appeared), tools it no longer offers
 * (vanished), and tools whose description or input schema changed (changed).
 * Names only, each list sorted.
 *
 * @public
 */
export interface ToolSetChange {
  appeared: string[];
  vanished: string[];
  changed: string[];
}

const byCodeUnit = (a: string, b: string) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/**
 * A tool set as it is compared and stored: bare names (a client's
 * `mcp__<server>__` prefix removed), one per name, sorted by name. A name
 * reported twice with different definitions keeps the greater hash, so the
 * set is the same whatever order it came in.
 *
 * @public
 */
export function toolSet(tools: readonly ToolRef[]): ToolRef[] {
  const byName = new Map<string, string>();
  for (const t of tools) {
    const name = bareToolName(t.name);
    const known = byName.get(name);
    if (known === undefined || t.hash > known) byName.set(name, t.hash);
  }
  return [...byName]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([name, hash]) => ({ name, hash }));
}

/**
 * What changed from the pinned set to the one seen now, or undefined when
 * they are the same set of names and definitions. A `partial` set (what an
 * MCP client offered a model: it may offer only some of a server's tools)
 * says nothing of tools it lacks, so none count as vanished.
 *
 * @public
 */
export function toolSetChange(
  pinned: readonly ToolRef[],
  seen: readonly ToolRef[],
  options: { partial?: boolean } = {},
): ToolSetChange | undefined {
  const before = new Map(toolSet(pinned).map(t => [t.name, t.hash]));
  const now = new Map(toolSet(seen).map(t => [t.name, t.hash]));
  const change: ToolSetChange = { appeared: [], vanished: [], changed: [] };
  for (const [name, hash] of now) {
    if (!before.has(name)) change.appeared.push(name);
    else if (before.get(name) !== hash) change.changed.push(name);
  }
  if (!options.partial)
    for (const name of before.keys())
      if (!now.has(name)) change.vanished.push(name);
  const none =
    change.appeared.length + change.vanished.length + change.changed.length ===
    0;
  return none ? undefined : change;
}

/**
 * One tool set's fingerprint (SHA-256 of its canonical form): a change is
 * told once per distinct set seen.
 *
 * @public
 */
export function toolSetFingerprint(tools: readonly ToolRef[]): string {
  return sha256Hex(canonicalJson(toolSet(tools)));
}

/**
 * A tool-set change in one line: "1 appeared (delete_everything); 1 changed
 * (read_file)".
 *
 * @public
 */
export function summarizeToolSetChange(change: ToolSetChange): string {
  const part = (what: string, names: string[]) =>
    names.length ? [`${names.length} ${what} (${names.join(', ')})`] : [];
  return [
    ...part('appeared', change.appeared),
    ...part('vanished', change.vanished),
    ...part('changed', change.changed),
  ].join('; ');
}
