/**
 * Checks of parsed, untrusted JSON that must run before anything recursive
 * does (schemas, canonical hashing, JSON.stringify, storage): both walk the
 * value with an explicit stack, so no input can exhaust the call stack.
 */

/** Deepest nesting of arrays and objects any MCPeeker input may have. @public */
export const MAX_JSON_DEPTH = 64;

type Frame = { value: unknown; depth: number; path: string };

function* walk(value: unknown, maxDepth: number): Generator<Frame> {
  const stack: Frame[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    yield frame;
    if (frame.depth > maxDepth) continue;
    const { value: v, depth, path } = frame;
    if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        stack.push({
          value: child,
          depth: depth + 1,
          path: path ? `${path}.${key}` : key,
        });
      }
    }
  }
}

/** True when arrays and objects nest deeper than `maxDepth` levels. @public */
export function exceedsJsonDepth(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): boolean {
  for (const frame of walk(value, maxDepth)) {
    if (
      frame.depth >= maxDepth &&
      frame.value !== null &&
      typeof frame.value === 'object'
    )
      return true;
  }
  return false;
}

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
  for (const frame of walk(value, maxDepth)) {
    if (typeof frame.value === 'string' && frame.value.includes('\u0000'))
      return frame.path;
    if (frame.value !== null && typeof frame.value === 'object') {
      const key = Object.keys(frame.value).find(k => k.includes('\u0000'));
      if (key !== undefined) {
        const shown = key.replaceAll('\u0000', '\\u0000');
        return frame.path ? `${frame.path}.${shown}` : shown;
      }
    }
  }
  return undefined;
}

/** The message of a NUL character found at `path`. @public */
export function nulCharacterMessage(path: string): string {
  return `${path || '(body)'} must not contain NUL (\\u0000) characters`;
}
