import { Config } from '@backstage/config';

/** A configuration problem, naming the key. Stops the backend at start. */
export class McpeekerConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid MCPeeker configuration: ${key} ${problem}`);
    this.name = 'McpeekerConfigError';
  }
}

/** The keys allowed in a config object: `true` for a value, an object for a nested block. */
export type KnownKeys = { [key: string]: KnownKeys | true };

/** Throws on the first key `known` does not list, naming it and the keys allowed beside it. */
export function checkKnownKeys(
  config: Config,
  known: KnownKeys,
  prefix: string,
) {
  for (const key of config.keys()) {
    const path = `${prefix}.${key}`;
    const spec = known[key];
    if (!spec) {
      throw new McpeekerConfigError(
        path,
        `is not a known key (known under ${prefix}: ${Object.keys(known).join(
          ', ',
        )})`,
      );
    }
    if (spec !== true) {
      checkKnownKeys(config.getConfig(key), spec, path);
    }
  }
}

// The readers below take the `mcpeeker` block (undefined when it is absent)
// and a key under it, and name the key as `mcpeeker.<key>`.

export function oneOf<T extends string>(
  config: Config | undefined,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = config?.getOptionalString(key);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new McpeekerConfigError(
      `mcpeeker.${key}`,
      `must be one of ${allowed.join(', ')}, got '${value}'`,
    );
  }
  return value as T;
}

export function required(value: string | undefined, key: string, why: string) {
  if (!value) {
    throw new McpeekerConfigError(`mcpeeker.${key}`, `is required ${why}`);
  }
  return value;
}

export function wholeNumber(
  config: Config | undefined,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = config?.getOptionalNumber(key);
  if (
    value !== undefined &&
    (!Number.isInteger(value) || value < min || value > max)
  ) {
    throw new McpeekerConfigError(
      `mcpeeker.${key}`,
      `must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}
