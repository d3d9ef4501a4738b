import fc from 'fast-check';

/**
 * Damage for property tests: text damaged the ways files and log lines get
 * damaged, and one change to one place of a parsed JSON value.
 */

const JUNK = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\\',
  '\t',
  '<',
  '</a>',
  ']]>',
  '&amp',
  '#',
  '=',
  ':',
  ',',
  '\n- ',
  '*a',
  '&a',
  '!!binary',
  '${',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\u001b[31m',
  '-',
  '1e999',
  'null',
];

/** Cut short, spliced with junk, nested deep, a slice lost or doubled. */
export const textDamage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    junk: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...JUNK)),
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 100, max: 5_000 }),
    open: fc.constantFrom('[', '{"a":', '- ', ' a:\n'),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
);

export type TextDamage = typeof textDamage extends fc.Arbitrary<infer D>
  ? D
  : never;

const CLOSING: Record<string, string> = { '[': ']', '{"a":': '}' };

export function applyTextDamage(text: string, d: TextDamage): string {
  const at = text.length === 0 ? 0 : d.at % (text.length + 1);
  switch (d.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return `${text.slice(0, at)}${d.junk}${text.slice(at)}`;
    case 'nest':
      return `${text.slice(0, at)}${d.open.repeat(d.depth)}1${(
        CLOSING[d.open] ?? ''
      ).repeat(d.depth)}${text.slice(at)}`;
    case 'remove':
      return text.slice(0, at) + text.slice(at + d.length);
    case 'repeat':
      return text.slice(0, at + d.length) + text.slice(at);
    default:
      return text;
  }
}

type Path = Array<string | number>;

/** Every place in a value: objects, arrays and leaves, with the path to each. */
export function jsonPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...jsonPaths(item, [...prefix, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      out.push(...jsonPaths(item, [...prefix, key]));
  }
  return out;
}

/** A new value (any JSON, or a string from another field), the key removed, or a key added. */
export const jsonChange = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('', ' ', '-', '0', '-1', '65536', 'NaN', '1e999', '::'),
    fc.constantFrom(0, -1, 65536, 1e300, 0.5, Number.MAX_SAFE_INTEGER + 2),
  ),
  key: fc.string({ minLength: 1, maxLength: 12 }),
});

export type JsonChange = typeof jsonChange extends fc.Arbitrary<infer C>
  ? C
  : never;

/** A copy of `value` with one change at one of its places (never the root). */
export function applyJsonChange<T>(value: T, change: JsonChange): T {
  const copy = JSON.parse(JSON.stringify(value));
  const all = jsonPaths(copy).filter(p => p.length > 0);
  if (all.length === 0) return copy;
  const path = all[change.pick % all.length];
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const key = path[path.length - 1];
  const target = parent[key];
  if (change.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (
    change.kind === 'add' &&
    target !== null &&
    typeof target === 'object'
  ) {
    if (Array.isArray(target)) target.push(change.value);
    else target[change.key] = change.value;
  } else {
    parent[key] = change.value;
  }
  return copy;
}
