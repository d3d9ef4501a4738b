import {
  isSecretName,
  redactSecrets,
  SECRET_SHAPES,
} from '../redaction/redactSecrets';

// What is a secret is decided by redactSecrets alone: a value is a secret
// exactly when the one redaction function would replace it. The markers it
// makes here are thrown away, so any salt does.
const PROBE = { salt: 'mcpeeker-inline-secret-probe' };

const isRedacted = (value: unknown) =>
  redactSecrets(value, PROBE).redactions > 0;

/** Where a config entry holds a secret written in clear. @public */
export interface InlineSecret {
  where: 'env' | 'header' | 'argument' | 'url';
  /**
   * The env variable or header holding it; for an argument, the flag it is
   * the value of or the variable it sets (`KEY=…`); for the URL, the query
   * parameter (or `password` for `user:password@`).
   */
  name?: string;
  /** The argument's index in `args`. */
  index?: number;
  /** What the secret looks like, as a phrase ("a GitHub token"); absent when only its name says it is one. */
  kind?: string;
}

const PHRASES: Record<string, string> = {
  'sk- key': 'an OpenAI or Anthropic API key',
  'URL credentials': 'a password in the URL',
  'JSON Web Token': 'a JSON Web Token',
  'AWS access key id': 'an AWS access key id',
  'AWS session token': 'an AWS session token',
  'Authorization scheme': 'an Authorization credential',
};

/**
 * What a secret value looks like, from the credential shapes the redactor
 * knows ("a GitHub token", "a Slack webhook"); undefined when no shape
 * matches (a value secret by its name, or a bare high-entropy key).
 *
 * @public
 */
export function describeSecret(value: string): string | undefined {
  for (const shape of SECRET_SHAPES) {
    if (!shape.trigger.test(value)) continue;
    const pattern = new RegExp(shape.pattern.source, shape.pattern.flags);
    for (const match of value.matchAll(pattern)) {
      const captures = match
        .slice(1)
        .filter((c): c is string => typeof c === 'string');
      const secret = captures[captures.length - 1] ?? match[0];
      if (!shape.accept || shape.accept(secret)) {
        return (
          PHRASES[shape.name] ??
          `${/^[AEIOU]/.test(shape.name) ? 'an' : 'a'} ${shape.name}`
        );
      }
    }
  }
  return undefined;
}

/**
 * Whether a header, env variable or query parameter of this name carries a
 * credential, whatever its value (a reference included): `Authorization`,
 * `X-API-Key`, `GITHUB_TOKEN`. The redactor's own rule.
 *
 * @public
 */
export function isCredentialName(name: string): boolean {
  return isSecretName(name);
}

function fromObject(
  values: Record<string, unknown> | undefined,
  where: 'env' | 'header',
): InlineSecret[] {
  const found: InlineSecret[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value !== 'string' || value === '') continue;
    if (!isRedacted({ [name]: value })) continue;
    const kind = describeSecret(value);
    found.push({ where, name, ...(kind ? { kind } : {}) });
  }
  return found;
}

function fromArgs(args: string[] | undefined): InlineSecret[] {
  if (!args?.length) return [];
  const redacted = redactSecrets({ args }, PROBE).value.args ?? [];
  const found: InlineSecret[] = [];
  args.forEach((arg, index) => {
    if (redacted[index] === arg) return;
    const previous = args[index - 1];
    const assignment = /^-{0,2}([A-Za-z_][\w.-]{0,127})[=:]/.exec(arg);
    let name: string | undefined;
    if (assignment) name = assignment[1];
    else if (previous?.startsWith('-')) name = previous;
    const kind = describeSecret(arg);
    found.push({
      where: 'argument',
      index,
      ...(name ? { name } : {}),
      ...(kind ? { kind } : {}),
    });
  });
  return found;
}

function fromUrl(url: string | undefined): InlineSecret[] {
  if (!url || !isRedacted({ url })) return [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const found: InlineSecret[] = [];
  if (parsed?.password) {
    found.push({ where: 'url', name: 'password', kind: 'a password' });
  }
  for (const [name, value] of parsed?.searchParams ?? []) {
    if (value !== '' && isRedacted({ url: `https://h/?${name}=${value}` })) {
      const kind = describeSecret(value);
      found.push({ where: 'url', name, ...(kind ? { kind } : {}) });
    }
  }
  if (found.length === 0) {
    const kind = describeSecret(url);
    found.push({ where: 'url', ...(kind ? { kind } : {}) });
  }
  return found;
}

/**
 * The secrets a config entry writes in clear: env values, header values,
 * arguments and the URL that redactSecrets would replace. References to a
 * secret kept elsewhere (`${API_KEY}`, `${env:TOKEN}`, `$TOKEN`, `Bearer
 * ${TOKEN}`) are not secrets and are not returned. Never returns a value.
 *
 * @public
 */
export function findInlineSecrets(entry: {
  env?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  args?: string[];
  url?: string;
}): InlineSecret[] {
  return [
    ...fromObject(entry.env, 'env'),
    ...fromObject(entry.headers, 'header'),
    ...fromArgs(entry.args),
    ...fromUrl(entry.url),
  ];
}
