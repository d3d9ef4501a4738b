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
const HEADER_FLAG = /^(-H|--header|--headers)$/i;

// A name (env variable, JSON key, query parameter, flag) that says its value
// is secret. Every such name contains one of SECRET_NAME_KEYWORDS, which is
// how the text scanner finds them.
const SECRET_NAME =
  /token|secret|passw|passphrase|credential|creds$|cookie|webhook|dsn|auth(?!or)|signature|conn(?:ection)?[_-]?str|(?:^|[_.-])(?:key|pass|pwd|sig|pat)$|(?:api|access|account|private|secret|session|app|application|master|signing|encryption|client|license|ssh|subscription|storage|service|shared[_-]?access|consumer|deploy|admin|ingest|integration)[_-]?key/i;
// Names that contain a secret word but hold no secret: token budgets, and
// where a secret lives rather than the secret (`TOKEN_URL`, `KEY_FILE`).
const NOT_SECRET_NAME =
  /^(?:max|min|num|total|input|output|prompt|completion|context)[_-]?tokens?$|(?:tokens?|keys?)[_-]?(?:count|limit|usage|budget)$|(?:url|uri|endpoint|file|path|dir|directory|type|name|header|env|var|variable|method|mode|format|provider|scopes?|expiry|expires|ttl|length|size|enabled|required)$/i;
/** @internal */
export const SECRET_NAME_KEYWORDS =
  /token|secret|pass|pwd|cred|cookie|webhook|dsn|auth|sig|conn|key|(?<![a-z])(?:pat|code)(?![a-z])/gi;
const NAME_CHAR = /[\w.-]/;

/** @internal Whether a name says its value is secret; `inQuery` for URL parameters. */
export function isSecretName(name: string, inQuery = false): boolean {
  const bare = name.replace(/^-{1,2}/, '');
  if (inQuery && /^(?:code|pwd)$/i.test(bare)) return true;
  if (bare === 'PWD') return false; // the shell's working directory
  if (/authori[sz]ation/i.test(bare)) return true;
  // a webhook's URL is its secret
  if (/webhook/i.test(bare)) return true;
  return SECRET_NAME.test(bare) && !NOT_SECRET_NAME.test(bare);
}

// A reference to a secret kept elsewhere (`${API_KEY}`, `${env:GITHUB_TOKEN}`,
// `$GITHUB_TOKEN`, `%TOKEN%`, `{{ secrets.X }}`, `<your-token>`), optionally
// after an auth scheme: not itself a secret, and it tells the reader where the
// value comes from.
const REFERENCE =
  /^(?:(?:Bearer|Basic|Token|Bot)\s{1,4})?(?:\$\{[^{}\s]{1,200}\}|\$[A-Za-z_]\w{0,127}|%[A-Za-z_]\w{0,127}%|\{\{[^{}]{1,200}\}\}|<[^<>]{1,64}>)$/;
// Words that stand for a value in documentation, never a value themselves.
const PLACEHOLDER =
  /^(?:value|values|string|true|false|null|none|undefined|yes|no|required|optional|empty)$/i;
// In loose contexts (`token: it is sent …`, `--token value` in prose) a plain
// word is text, not a secret.
const PLAIN_WORD = /^[A-Za-z][a-z]{0,19}$/;
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Bot|Digest|SSWS|OAuth)[ \t]{1,4}/;

const WHOLE_MARKER = /^\[redacted:[0-9a-f]{12}\]$/;

function isReference(value: string): boolean {
  return REFERENCE.test(value) || WHOLE_MARKER.test(value);
}

type Replacer = (secret: string) => string;

/** @internal A credential format recognised by its own shape. */
export interface SecretShape {
  name: string;
  /** What every match contains: the shape is tried only when it is there. */
  trigger: RegExp;
  /** Global; the match ends with its last capture group, the secret. */
  pattern: RegExp;
  /** Lets a match through (returns false) when it turns out to be text. */
  accept?: (secret: string) => boolean;
}

// Quantifiers are bounded and every pattern that scans a run before a literal
// starts only at the beginning of that run (a lookbehind): the input is
// untrusted, and a pattern that restarts inside a run costs quadratic time.
/** @internal */
export const SECRET_SHAPES: SecretShape[] = [
  {
    // body only: the header says what kind of key it was. Literal `\n` (a key
    // inside JSON text) and truncated keys without a footer are bodies too.
    name: 'PEM private key',
    trigger: /PRIVATE KEY/,
    pattern:
      /(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)((?:(?:Proc-Type|DEK-Info|Version|Comment|Hash): [^\n\\]{0,120}|[A-Za-z0-9+/=\s\\]){16,20000})/g,
  },
  {
    name: 'URL credentials',
    trigger: /:\/\//,
    pattern:
      /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/:@]{0,256}:[^\s/@]{1,256})(?=@)/gi,
  },
  {
    name: 'Slack webhook',
    trigger: /hooks\.slack\.com/,
    pattern:
      /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9+/_-]{20,200})/g,
  },
  {
    name: 'Discord webhook',
    trigger: /discord(?:app)?\.com\/api\/webhooks/,
    pattern:
      /(discord(?:app)?\.com\/api\/webhooks\/[0-9]{5,30}\/)([\w-]{20,200})/g,
  },
  {
    name: 'GitHub token',
    trigger: /gh[pousr]_/,
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{20,255})/g,
  },
  {
    name: 'GitHub fine-grained PAT',
    trigger: /github_pat_/,
    pattern: /\b(github_pat_\w{20,255})/g,
  },
  {
    name: 'GitLab token',
    trigger: /gl[a-z]{2,6}-/,
    pattern:
      /\b((?:glpat|gldt|glptt|glrt|glcbt|glimt|glsoat|glft|glagent|gloas|glffct)-[\w.-]{20,300})/g,
  },
  {
    name: 'GitLab runner registration',
    trigger: /GR1348941/,
    pattern: /\b(GR1348941[\w-]{20,64})/g,
  },
  {
    // OpenAI (`sk-…`, `sk-proj-…`), Anthropic (`sk-ant-api03-…`); a digit or
    // capital tells a key from a package named `sk-something`
    name: 'sk- key',
    trigger: /sk-/,
    pattern: /(?<![\w-])(sk-[\w-]{16,300})/g,
    accept: secret => /[0-9A-Z]/.test(secret.slice(3)),
  },
  {
    name: 'Stripe key',
    trigger: /[srp]k_/,
    pattern: /\b((?:sk|rk|pk)_(?:live|test|prod)_[A-Za-z0-9]{10,255})/g,
  },
  {
    name: 'Stripe webhook secret',
    trigger: /whsec_/,
    pattern: /\b(whsec_[A-Za-z0-9+/=]{20,255})/g,
  },
  {
    name: 'Slack token',
    trigger: /xox|xapp-/,
    pattern:
      /\b(xox[abposre]-[A-Za-z0-9-]{10,300}|xapp-\d-[A-Za-z0-9-]{10,300})/g,
  },
  {
    name: 'AWS access key id',
    trigger: /A3T|AKIA|ASIA|ABIA|ACCA/,
    pattern: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b/g,
  },
  {
    name: 'AWS session token',
    trigger: /FwoGZXIvYXdz|IQoJb3JpZ2lu/,
    pattern: /\b((?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9+/=]{50,4000})/g,
  },
  { name: 'Google API key', trigger: /AIza/, pattern: /\b(AIza[\w-]{35})/g },
  {
    name: 'Google OAuth client secret',
    trigger: /GOCSPX-/,
    pattern: /\b(GOCSPX-[\w-]{20,64})/g,
  },
  { name: 'npm token', trigger: /npm_/, pattern: /\b(npm_[A-Za-z0-9]{36})/g },
  {
    name: 'PyPI token',
    trigger: /pypi-/,
    pattern: /\b(pypi-Ag[\w-]{50,1000})/g,
  },
  {
    name: 'Hugging Face token',
    trigger: /hf_|api_org_/,
    pattern: /\b((?:hf_|api_org_)[A-Za-z0-9]{30,64})/g,
  },
  {
    name: 'Twilio API key',
    trigger: /SK[0-9a-fA-F]/,
    pattern: /\b(SK[0-9a-fA-F]{32})\b/g,
  },
  {
    name: 'SendGrid key',
    trigger: /SG\./,
    pattern: /\b(SG\.[\w-]{16,32}\.[\w-]{16,64})/g,
  },
  {
    name: 'Discord bot token',
    trigger: /[MNO][\w-]{23,25}\./,
    pattern:
      /(?<![\w-])([MNO][\w-]{23,25}\.[\w-]{6,7}\.[\w-]{27,40})(?![\w-])/g,
  },
  {
    name: 'JSON Web Token',
    trigger: /eyJ/,
    pattern: /(?<![\w-])(eyJ[\w-]{5,8192}\.eyJ[\w-]{5,8192}\.[\w-]{0,8192})/g,
  },
  {
    // without a name before it (the assignment scanner handles
    // `Authorization: Bearer …`): `-H 'Bearer …'`, `Token …` in a snippet
    name: 'Authorization scheme',
    trigger: /Bearer|Basic|Token/,
    pattern: /\b((?:Bearer|Basic|Token)[ \t]{1,4})([\w.~+/=-]{8,4096})/g,
    accept: secret => !PLAIN_WORD.test(secret),
  },
];

// Any shape's trigger or a secret name's keyword, case aside: most strings —
// names, paths, hashes — fail it and skip every shape. Built from the
// triggers so none can be missing; a test checks each shape's matches hold
// its trigger.
/** @internal */
export const MAYBE_SECRET = new RegExp(
  [
    ...SECRET_SHAPES.map(shape => shape.trigger.source),
    SECRET_NAME_KEYWORDS.source,
  ].join('|'),
  'i',
);
// Our own hashes and ids (lowercase hex, `mcp_` + hex) hold no secret any
// rule can see, and are most of the strings of an event.
const HEX_ID = /^(?:mcp_)?[0-9a-f]{0,128}$/;

// Long runs of key characters; base64 padding only at the end.
const CANDIDATE_TOKEN = /[A-Za-z0-9+/_-]{32,4096}={0,3}/g;
const WORD = /[A-Z]?[a-z]{3,}/g;

/**
 * @internal
 * A long token that mixes cases with high entropy is a key whatever its
 * prefix. Hex digests (our own hashes, git SHAs) and UUIDs stay: they have one
 * case. Paths and identifiers stay: they are mostly words, and change
 * between upper, lower and digit far less often than random text.
 */
export function looksLikeKey(token: string): boolean {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let switches = 0;
  let previous = -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    let kind: number;
    if (c >= 97 && c <= 122) kind = 0;
    else if (c >= 65 && c <= 90) kind = 1;
    else if (c >= 48 && c <= 57) kind = 2;
    else continue;
    if (kind === 0) lower++;
    else if (kind === 1) upper++;
    else digit++;
    if (previous >= 0 && kind !== previous) switches++;
    previous = kind;
  }
  if (lower === 0 || upper === 0) return false;
  const alphanumeric = lower + upper + digit;
  if (digit === 0 && switches < 0.5 * (alphanumeric - 1)) return false;
  let wordChars = 0;
  for (const word of token.matchAll(WORD)) wordChars += word[0].length;
  if (wordChars >= 0.6 * token.length) return false;
  return shannonEntropy(token) >= 4;
}

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

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}

// Ends an unquoted value: `&` a URL parameter, `;` a connection-string part,
// `,` a list item, brackets and quotes the syntax around it.
const UNQUOTED_END = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '"',
  "'",
  '`',
  '&',
  ';',
  ',',
  '<',
  '>',
  '\\',
  ')',
  ']',
  '}',
]);

interface ValueSpan {
  start: number;
  end: number;
  /** The separator was `:` or a space and nothing was quoted: prose-like. */
  loose: boolean;
}

/**
 * Where the value after a secret name at `nameEnd` is: `NAME=v`, `name = v`,
 * `"name": "v"`, `\"name\": \"v\"` (JSON inside JSON), `name: Bearer v`,
 * `--flag v`, `"--flag", "v"`. Undefined when no value follows.
 */
function valueAfterName(
  text: string,
  nameEnd: number,
  isFlag: boolean,
): ValueSpan | undefined {
  let i = nameEnd;
  const nameQuote = quoteAt(text, i);
  if (nameQuote) i += nameQuote.length;
  const beforeSeparator = i;
  while (i - beforeSeparator < 4 && isSpace(text[i])) i++;
  let loose = false;
  if (text[i] === '=' || text[i] === ':') {
    loose = text[i] === ':';
    i++;
    if (text[i] === '=') i++;
  } else if (isFlag && text[i] === ',') {
    i++;
  } else if (isFlag && i > beforeSeparator && !nameQuote) {
    loose = true;
  } else {
    return undefined;
  }
  const afterSeparator = i;
  while (i - afterSeparator < 4 && isSpace(text[i])) i++;
  const open = quoteAt(text, i);
  if (open) i += open.length;
  else if (isFlag && text[i] === '-') return undefined;
  const scheme = AUTH_SCHEME.exec(text.slice(i, i + 16));
  if (scheme) i += scheme[0].length;
  const start = i;
  if (open) {
    return { start, end: closingQuote(text, start, open), loose: false };
  }
  let end = start;
  // a marker left by a shape that matched only part of the value
  if (WHOLE_MARKER.test(text.slice(start, start + 23))) end += 23;
  const reference = text[start] === '$' || text[start] === '{';
  while (end < text.length && !UNQUOTED_END.has(text[end])) end++;
  if (reference && text[end] === '}') end++;
  return { start, end, loose: loose && !scheme };
}

/**
 * A quote at `i`, with the backslashes that escape it when JSON text sits
 * inside JSON text (`\"`, `\\\"`, …).
 */
function quoteAt(text: string, i: number): string | undefined {
  let j = i;
  while (j - i < 15 && text[j] === '\\') j++;
  return text[j] === '"' || text[j] === "'" ? text.slice(i, j + 1) : undefined;
}

/**
 * Where a value opened by `open` ends: at the same quote escaped the same
 * number of times (an unescaped `"` ends a plain JSON string, `\"` inside it
 * does not), at a line break, or at the end.
 */
function closingQuote(text: string, start: number, open: string): number {
  const quote = open[open.length - 1];
  const level = open.length - 1;
  let backslashes = 0;
  for (let end = start; end < text.length; end++) {
    const ch = text[end];
    if (ch === '\n') return end;
    if (ch === quote) {
      if (level === 0 ? backslashes % 2 === 0 : backslashes === level) {
        return end - level;
      }
    }
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  return text.length;
}

/** `NAME=value`, `"name": "value"`, `?api_key=value`, `--token value` … */
function redactAssignments(text: string, replace: Replacer): string {
  let out = '';
  let copied = 0;
  const keywords = SECRET_NAME_KEYWORDS;
  keywords.lastIndex = 0;
  for (let hit = keywords.exec(text); hit !== null; hit = keywords.exec(text)) {
    let nameStart = hit.index;
    while (
      nameStart > 0 &&
      hit.index - nameStart < 128 &&
      NAME_CHAR.test(text[nameStart - 1])
    ) {
      nameStart--;
    }
    let nameEnd = hit.index + hit[0].length;
    while (
      nameEnd < text.length &&
      nameEnd - hit.index < 128 &&
      NAME_CHAR.test(text[nameEnd])
    ) {
      nameEnd++;
    }
    keywords.lastIndex = nameEnd;
    const name = text.slice(nameStart, nameEnd);
    const before = text[nameStart - 1];
    if (!isSecretName(name, before === '?' || before === '&')) continue;
    const span = valueAfterName(text, nameEnd, name.startsWith('-'));
    if (!span || span.end <= span.start) continue;
    keywords.lastIndex = span.end;
    const value = text.slice(span.start, span.end);
    if (isReference(value) || PLACEHOLDER.test(value)) continue;
    if (span.loose && PLAIN_WORD.test(value)) continue;
    out += text.slice(copied, span.start) + replace(value);
    copied = span.end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function redactText(text: string, replace: Replacer): string {
  if (HEX_ID.test(text)) return text;
  let out = text;
  if (MAYBE_SECRET.test(text)) {
    for (const { trigger, pattern, accept } of SECRET_SHAPES) {
      if (!trigger.test(out)) continue;
      out = out.replace(pattern, (match: string, ...groups: unknown[]) => {
        // groups ends with offset and whole string; the last capture is the secret
        const captures = groups.filter(
          (g): g is string => typeof g === 'string',
        );
        const secret = captures[captures.length - 2] ?? match;
        if (accept && !accept(secret)) return match;
        return match.slice(0, match.length - secret.length) + replace(secret);
      });
    }
    out = redactAssignments(out, replace);
  }
  if (out.length < 32) return out;
  return out.replace(CANDIDATE_TOKEN, token => {
    if (!looksLikeKey(token)) return token;
    if (!isPathLike(token)) return replace(token);
    return token
      .split('/')
      .map(segment => (isNameSegment(segment) ? segment : replace(segment)))
      .join('/');
  });
}

// each capital starts the next word: one way to match, linear time
const CAPITALISED_WORDS = /^[A-Z]?[a-z]{2,}(?:[A-Z][a-z]{2,}){0,15}[0-9]{0,8}$/;

// One `/`-separated part of a path that reads as a name: most of its
// `-`/`_`-separated parts have one case (`tmp`, `k2j3lq9x1bz5g0000gn`, `T`,
// `e2e`) or are capitalised words (`Dana`, `TemporaryItems`), as in
// `mcpeeker-e2e-analyst-3SUWhJ`.
function isNameSegment(segment: string): boolean {
  let nameChars = 0;
  let total = 0;
  for (const part of segment.split(/[-_]/)) {
    total += part.length;
    if (
      !/[a-z]/.test(part) ||
      !/[A-Z]/.test(part) ||
      CAPITALISED_WORDS.test(part)
    ) {
      nameChars += part.length;
    }
  }
  return nameChars >= 0.5 * total;
}

// Whether a long token that looks like a key is a file path, to be judged
// segment by segment, rather than one key: base64 keys hold `/` too (AWS
// secret keys). A path from the root, a home or the working folder
// (`/tmp/acme-3SUWhJ/dana/`, `~/…`, `./…`) has most segments, two at least,
// and a third of its length reading as names; any other
// (`Users/Dana/AppData/…`) has every segment but one reading as a name, three
// at least. Random base64 rarely does either (measured: none of 120,000
// random 32–88 character keys with `/` kept six characters in a row).
function isPathLike(token: string): boolean {
  const segments = token.split('/').filter(segment => segment !== '');
  let names = 0;
  let nameChars = 0;
  for (const segment of segments) {
    if (segment.length >= 3 && isNameSegment(segment)) {
      names++;
      nameChars += segment.length;
    }
  }
  return token.startsWith('/')
    ? names >= 2 &&
        names >= 0.5 * segments.length &&
        nameChars >= 0.33 * token.length
    : names >= 3 && names >= segments.length - 1;
}

function isSecretFlag(flag: string): boolean {
  return (
    /^--?[A-Za-z][\w.-]{0,63}$/.test(flag) &&
    (isSecretName(flag) || /bearer/i.test(flag))
  );
}

function redactArgs(args: unknown[], replace: Replacer): unknown[] {
  const out: unknown[] = [];
  const replaceValue: Replacer = value =>
    value === '' || isReference(value) ? value : replace(value);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') {
      out.push(redactAny(arg, undefined, replace));
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const next = args[i + 1];
    if (isSecretFlag(flag)) {
      if (eq > 0) {
        out.push(`${flag}=${replaceValue(arg.slice(eq + 1))}`);
      } else {
        out.push(arg);
        // a value never starts with `-`, except a PEM block
        if (
          typeof next === 'string' &&
          (!next.startsWith('-') || next.startsWith('-----'))
        ) {
          out.push(replaceValue(next));
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
            ? `${header.slice(0, colon)}: ${replaceValue(
                header.slice(colon + 1).trim(),
              )}`
            : replaceValue(header);
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
      out[name] = item === '' || isReference(item) ? item : replace(item);
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
    if (key && value !== '' && isSecretName(key)) {
      return isReference(value) ? value : replace(value);
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
 * "Authorization: …"`); values of keys named like secrets, in objects and in
 * text (`NAME=…`, `name: …`, `"name": "…"`, `?api_key=…`, `--token …`);
 * credentials in URLs; anything shaped like a known credential
 * (SECRET_SHAPES: PEM private keys, GitHub, GitLab, OpenAI, Anthropic,
 * Stripe, Slack, AWS, Google, npm, PyPI, Hugging Face, Twilio, SendGrid,
 * Discord, JWTs); and long high-entropy tokens (in a file path, only the
 * folders that look like keys). References to a secret kept
 * elsewhere (`${API_KEY}`, `$GITHUB_TOKEN`) stay.
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
  // a marker stays; a value holding one among other text goes as a whole
  const markers = new Map<string, string>();
  const replace: Replacer = secret => {
    if (WHOLE_MARKER.test(secret)) return secret;
    redactions++;
    let marker = markers.get(secret);
    if (marker === undefined) {
      marker = `[redacted:${saltedSha256Hex(secret, options.salt).slice(
        0,
        12,
      )}]`;
      markers.set(secret, marker);
    }
    return marker;
  };
  const value = redactAny(input, undefined, replace) as T;
  return { value, redactions };
}
