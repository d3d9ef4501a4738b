/**
 * Checks of parsed, untrusted JSON that must run before anything recursive
 * does (schemas, canonical hashing, JSON.stringify, storage): both walk the
 * value with an explicit stack, so no input can exhaust the call stack.
 */

/** Deepest nesting of arrays and objects any MCPeeker input may have. @public */
export const MAX_JSON_DEPTH = 64;

/**
 * Every value of `root`, depth first (children of a value deeper than
 * `maxDepth` are not visited), until `visit` returns true; returns the frame
 * it stopped at, or -1. Runs on every event ingested: a frame is a slot in
 * a few arrays, not an object, and a path is only spelled out for the one
 * frame that needs it (`pathOf`).
 */
class Walk {
  private readonly values: unknown[] = [];
  private readonly depths: number[] = [];
  private readonly parents: number[] = [];
  private readonly keys: Array<string | number> = [];

  run(
    root: unknown,
    maxDepth: number,
    /** `keys`: an object's own keys (none for arrays and other values). */
    visit: (value: unknown, depth: number, keys?: string[]) => boolean,
  ): number {
    const stack = [this.add(root, 0, -1, '')];
    while (stack.length > 0) {
      const frame = stack.pop()!;
      const value = this.values[frame];
      const depth = this.depths[frame];
      const keys =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.keys(value)
          : undefined;
      if (visit(value, depth, keys)) return frame;
      if (depth > maxDepth || value === null || typeof value !== 'object')
        continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (i in value) stack.push(this.add(value[i], depth + 1, frame, i));
      } else {
        for (const key of keys!)
          stack.push(
            this.add(
              (value as Record<string, unknown>)[key],
              depth + 1,
              frame,
              key,
            ),
          );
      }
    }
    return -1;
  }

  /** The dotted path of a frame: `a.1.c`; empty for the root. */
  pathOf(frame: number): string {
    const keys: Array<string | number> = [];
    for (let f = frame; this.parents[f] !== -1; f = this.parents[f])
      keys.push(this.keys[f]);
    let path = '';
    for (let i = keys.length - 1; i >= 0; i--)
      path = path ? `${path}.${keys[i]}` : String(keys[i]);
    return path;
  }

  valueOf(frame: number): unknown {
    return this.values[frame];
  }

  private add(
    value: unknown,
    depth: number,
    parent: number,
    key: string | number,
  ): number {
    this.values.push(value);
    this.depths.push(depth);
    this.parents.push(parent);
    this.keys.push(key);
    return this.values.length - 1;
  }
}

/** True when arrays and objects nest deeper than `maxDepth` levels. @public */
export function exceedsJsonDepth(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): boolean {
  return (
    new Walk().run(
      value,
      maxDepth,
      (v, depth) => depth >= maxDepth && v !== null && typeof v === 'object',
    ) !== -1
  );
}

const hasNul = (key: string) => key.includes('\u0000');

/**
 * The dotted path of the first string (value or key) holding a NUL character
 * (`\u0000`), which PostgreSQL refuses to store; undefined when there is none.
 *
 * @public
 */
export function findNulCharacter(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): string | undefined {
  const walk = new Walk();
  const frame = walk.run(value, maxDepth, (v, _depth, keys) =>
    typeof v === 'string' ? v.includes('\u0000') : !!keys?.some(hasNul),
  );
  if (frame === -1) return undefined;
  const path = walk.pathOf(frame);
  const found = walk.valueOf(frame);
  if (typeof found === 'string') return path;
  const key = Object.keys(found as object).find(hasNul)!;
  const shown = key.replaceAll('\u0000', '\\u0000');
  return path ? `${path}.${shown}` : shown;
}

/** The message of a NUL character found at `path`. @public */
export function nulCharacterMessage(path: string): string {
  return `${path || '(body)'} must not contain NUL (\\u0000) characters`;
}
