import { saltedSha256Hex } from '../identity/hashing';

/** @public */
export interface RedactionOptions {
  /**
   * Salt of the short hash in each marker. Hosts of one fleet share it, so the
   * same key on two hosts yields the same marker and can be linked without
   * being revealed.
   */
  salt: string;
}

/** @public */
export interface RedactionResult<T> {
  /** A deep copy of the input with every secret replaced by a marker. */
  value: T;
  /** How many values were replaced. */
  redactions: number;
}

/** Marker that replaces a secret: `[redacted:<12 hex of the salted hash>]`. */
export const REDACTION_MARKER_PATTERN = /\[redacted:[0-9a-f]{12}\]/;

// Objects whose every value is secret by nature: MCP configs put API keys in
// `env` and `headers` (Authorization, X-API-Key, ...). Names stay, values go.
const ALL_VALUES_SECRET_KEYS = new Set([
  'env',
  'headers',
  'environment',
  'requestinit',
]);
const ARGUMENT_LIST_KEYS = new Set(['args', 'argv', 'arguments']);
const SECRET_KEY_NAME =
  /(token|secret|password|passwd|pwd|api[_-]?key|apikey|authorization|credential|private[_-]?key|cookie)/i;
const SECRET_FLAG =
  /^--?[\w-]*(token|key|secret|password|passwd|pwd|auth|credential|bearer|cookie)[\w-]*$/i;
const HEADER_FLAG = /^(-H|--header|--headers)$/i;

type Replacer = (secret: string) => string;

// Each pattern's last capture group is the secret; what precedes it stays.
// Quantifiers before a literal are bounded: the input is untrusted, and an
// unbounded one makes a long run of letters cost quadratic time.
const TEXT_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // credentials in URLs: scheme://user:password@host
  /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/:@]{1,256}:[^\s/@]{1,256})(?=@)/gi,
  // secret query parameters
  /([?&](?:token|access_token|auth_token|api_key|apikey|key|secret|password|sig|signature|client_secret|code)=)([^&#\s"']+)/gi,
  // NAME=value where the name says it is a secret (env assignments in command lines)
  /\b([A-Za-z0-9_]{0,64}(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|APIKEY|CREDENTIALS?)[A-Za-z0-9_]{0,64}=)([^\s&"']+)/gi,
  // Authorization: Bearer / Basic
  /\b((?:Bearer|Basic|Token)\s+)([A-Za-z0-9._~+/=-]{8,})/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,})/g,
  /\b(github_pat_[A-Za-z0-9_]{20,})/g,
  /\b(glpat-[A-Za-z0-9_-]{20,})/g,
  /\b(sk-[A-Za-z0-9_-]{16,})/g,
  /\b((?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,})/g,
  /\b(xox[abposr]-[A-Za-z0-9-]{10,})/g,
  /\b((?:AKIA|ASIA)[0-9A-Z]{16})\b/g,
  /\b(AIza[0-9A-Za-z_-]{35})/g,
  /\b(npm_[A-Za-z0-9]{36})/g,
  /\b(hf_[A-Za-z0-9]{30,})/g,
  // JSON Web Tokens
  /\b(eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})/g,
];

const CANDIDATE_TOKEN = /[A-Za-z0-9+_=-]{32,}/g;

// What every pattern above needs somewhere in the text (each pattern's
// literal part), so most strings — names, paths, hashes — skip them all.
const MAYBE_SECRET =
  /PRIVATE KEY|:\/\/|=|(?:Bearer|Basic|Token)\s|gh[pousr]_|github_pat_|glpat-|sk-|[srp]k_|xox|AKIA|ASIA|AIza|npm_|hf_|eyJ/;

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * A long token that mixes cases and digits with high entropy is a key whatever
 * its prefix. Hex digests (our own hashes, git SHAs) and UUIDs stay: they
 * cannot exceed 4 bits per character.
 */
function looksLikeKey(token: string): boolean {
  return (
    /[a-z]/.test(token) &&
    /[A-Z]/.test(token) &&
    /[0-9]/.test(token) &&
    shannonEntropy(token) >= 4.2
  );
}

function redactText(text: string, replace: Replacer): string {
  let out = text;
  for (const pattern of MAYBE_SECRET.test(text) ? TEXT_PATTERNS : []) {
    out = out.replace(pattern, (match: string, ...groups: unknown[]) => {
      const captures = groups.filter((g): g is string => typeof g === 'string');
      // groups ends with offset and whole string; captures are the strings before
      const parts = captures.slice(0, captures.length - 1);
      if (parts.length === 0) return replace(match);
      const secret = parts[parts.length - 1];
      const prefix = parts.slice(0, -1).join('');
      return `${prefix}${replace(secret)}`;
    });
  }
  if (out.length < 32) return out;
  return out.replace(CANDIDATE_TOKEN, token =>
    looksLikeKey(token) ? replace(token) : token,
  );
}

function redactArgs(args: unknown[], replace: Replacer): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') {
      out.push(redactAny(arg, undefined, replace));
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const next = args[i + 1];
    if (SECRET_FLAG.test(flag)) {
      if (eq > 0) {
        out.push(`${flag}=${replace(arg.slice(eq + 1))}`);
      } else {
        out.push(arg);
        if (typeof next === 'string' && !next.startsWith('-')) {
          out.push(replace(next));
          i++;
        }
      }
      continue;
    }
    if (HEADER_FLAG.test(flag)) {
      const header = eq > 0 ? arg.slice(eq + 1) : next;
      if (typeof header === 'string') {
        const colon = header.indexOf(':');
        const redacted =
          colon > 0
            ? `${header.slice(0, colon)}: ${replace(
                header.slice(colon + 1).trim(),
              )}`
            : replace(header);
        out.push(eq > 0 ? `${flag}=${redacted}` : arg);
        if (eq < 0) {
          out.push(redacted);
          i++;
        }
        continue;
      }
    }
    out.push(redactText(arg, replace));
  }
  return out;
}

function redactAllValues(value: unknown, replace: Replacer): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return redactAny(value, undefined, replace);
  }
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      out[name] = item === '' ? '' : replace(item);
    } else {
      out[name] = redactAllValues(item, replace);
    }
  }
  return out;
}

function redactAny(
  value: unknown,
  key: string | undefined,
  replace: Replacer,
): unknown {
  if (typeof value === 'string') {
    if (key && SECRET_KEY_NAME.test(key) && value !== '') {
      return REDACTION_MARKER_PATTERN.test(value) ? value : replace(value);
    }
    return redactText(value, replace);
  }
  if (Array.isArray(value)) {
    if (key && ARGUMENT_LIST_KEYS.has(key.toLowerCase())) {
      return redactArgs(value, replace);
    }
    return value.map(item => redactAny(item, undefined, replace));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      out[name] = ALL_VALUES_SECRET_KEYS.has(name.toLowerCase())
        ? redactAllValues(item, replace)
        : redactAny(item, name, replace);
    }
    return out;
  }
  return value;
}

/**
 * The one redaction function of MCPeeker: the agent applies it before anything
 * is printed, logged or sent, and the backend applies it again to whatever it
 * receives (defence in depth). Idempotent: a marker is never redacted again.
 *
 * What goes: every value under `env` and `headers` (names stay); the value of
 * secret-looking flags in `args` (`--token X`, `--api-key=X`, `--header
 * "Authorization: …"`); values of keys named like secrets; credentials and
 * secret query parameters in URLs; anything shaped like a known key (`ghp_`,
 * `github_pat_`, `sk-`, `xox?-`, `AKIA`, Google, npm, Hugging Face, Stripe,
 * JWTs, PEM private keys); and long high-entropy tokens.
 *
 * Each becomes `[redacted:<first 12 hex of HMAC-SHA-256(salt, secret)>]`.
 *
 * @public
 */
export function redactSecrets<T>(
  input: T,
  options: RedactionOptions,
): RedactionResult<T> {
  if (!options.salt) {
    throw new Error('redactSecrets needs a non-empty salt');
  }
  let redactions = 0;
  const replace: Replacer = secret => {
    if (REDACTION_MARKER_PATTERN.test(secret)) return secret;
    redactions++;
    return `[redacted:${saltedSha256Hex(secret, options.salt).slice(0, 12)}]`;
  };
  const value = redactAny(input, undefined, replace) as T;
  return { value, redactions };
}
