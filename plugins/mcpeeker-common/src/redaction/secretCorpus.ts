/*
 * A corpus of credentials in the shapes MCP configs, process command lines
 * and config-file excerpts hold them, and of ordinary text that must stay
 * readable. The values are random (a seeded PRNG over each format's
 * alphabet), so no case passes because a value happens to be low-entropy or
 * hard-coded. Formats follow the rules of gitleaks, trufflehog and
 * detect-secrets. Test-only: not exported from the package.
 */

/**
 * The `.npmrc` line of the npm registry this machine uses, as `npm config
 * get registry` says (scheme dropped: `//host/path/:_authToken=`), so no
 * registry's host is written here.
 */
let npmrcPrefix: string | undefined;
function npmrcRegistryPrefix(): string {
  if (npmrcPrefix) return npmrcPrefix;
  let registry = process.env.npm_config_registry;
  if (!registry) {
    try {
      // Test-only module, run by jest under Node.
      // eslint-disable-next-line @backstage/no-undeclared-imports
      registry = require('node:child_process')
        .execFileSync('npm', ['config', 'get', 'registry'], {
          encoding: 'utf8',
        })
        .trim();
    } catch {
      registry = undefined;
    }
  }
  const url = /^https?:(\/\/.+?)\/?$/.exec(registry ?? '');
  npmrcPrefix = url ? `${url[1]}/` : '//registry.invalid/';
  return npmrcPrefix;
}

/** mulberry32: a small seeded PRNG, so every run sees the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;
const HEX = '0123456789abcdef';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// characters a password may hold unencoded in a URL
const URL_PASSWORD = `${ALNUM}-._~`;
const PASSWORD = `${ALNUM}!#%*+-./:=?@^_~`;

function pick(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[Math.floor(random() * alphabet.length)];
  }
  return out;
}

function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function base64(text: string): string {
  return btoa(text);
}

function base64url(text: string): string {
  return base64(text)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** One credential as written, and the random parts that must not survive. */
export interface SecretSample {
  value: string;
  randomParts: string[];
}

/**
 * - `token`: one word, fits everywhere;
 * - `header`: a whole header value (`Bearer …`, `Basic …`);
 * - `structured`: a URL, a connection string, JSON text: one line, with
 *   syntax of its own;
 * - `multiline`: a PEM block.
 */
export type SecretKind = 'token' | 'header' | 'structured' | 'multiline';

/** A credential format. */
export interface SecretFormat {
  id: string;
  kind: SecretKind;
  /** Environment variable (or JSON key) it is usually found under. */
  envName: string;
  /** Flag a CLI takes it with. */
  flag: string;
  /** Recognisable on its own, without a name next to it. */
  bare: boolean;
  /** How its own tools write it: credentials files, `.env` lines, API output. */
  native?: (value: string) => string[];
  make: (random: Random) => SecretSample;
}

const token = (value: string, ...randomParts: string[]): SecretSample => ({
  value,
  randomParts: randomParts.length ? randomParts : [value],
});

function pemBody(random: Random, bytes: number): string[] {
  const body = pick(random, BASE64, Math.ceil((bytes * 4) / 3));
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64));
  return lines;
}

function pem(
  label: string,
  bytes: number,
  newline: string,
  headers: (random: Random) => string[] = () => [],
) {
  return (random: Random): SecretSample => {
    const lines = pemBody(random, bytes);
    const head = headers(random);
    const value = [
      `-----BEGIN ${label}-----`,
      ...head,
      ...(head.length ? [''] : []),
      ...lines,
      `-----END ${label}-----`,
      '',
    ].join(newline);
    return { value, randomParts: lines };
  };
}

const encryptedPemHeaders = (random: Random) => [
  'Proc-Type: 4,ENCRYPTED',
  `DEK-Info: AES-128-CBC,${pick(random, HEX, 32).toUpperCase()}`,
];

function databaseUrl(scheme: string, user: string, host: string) {
  return (random: Random): SecretSample => {
    const password = pick(random, URL_PASSWORD, between(random, 16, 32));
    const at = user === '' ? '' : user;
    return token(`${scheme}://${at}:${password}@${host}`, password);
  };
}

function jwt(random: Random): SecretSample {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const subject = pick(random, ALNUM, 24);
  const payload = base64url(
    JSON.stringify({ sub: subject, iat: between(random, 1.7e9, 1.8e9) }),
  );
  const signature = pick(random, BASE64URL, 86);
  return token(`${header}.${payload}.${signature}`, payload, signature);
}

const pemFormat = (
  id: string,
  label: string,
  bytes: number,
  newline: string,
  headers?: (random: Random) => string[],
): SecretFormat => ({
  id,
  kind: 'multiline',
  envName: 'SSH_PRIVATE_KEY',
  flag: 'private-key',
  bare: true,
  make: pem(label, bytes, newline, headers),
});

/** Every credential format the corpus covers. */
export const SECRET_FORMATS: SecretFormat[] = [
  {
    id: 'aws-secret-access-key',
    kind: 'token',
    envName: 'AWS_SECRET_ACCESS_KEY',
    flag: 'aws-secret-access-key',
    bare: true,
    native: v => [
      `[default]\naws_access_key_id = AKIA${pick(
        seededRandom(v.length),
        BASE32,
        16,
      )}\naws_secret_access_key = ${v}\n`,
      `aws_secret_access_key = ${v}`,
      `AWS_SECRET_ACCESS_KEY: ${v}`,
      `export AWS_SECRET_ACCESS_KEY="${v}"`,
      `{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "${v}"}}`,
    ],
    make: random => token(pick(random, BASE64, 40)),
  },
  {
    id: 'aws-access-key-id',
    kind: 'token',
    envName: 'AWS_ACCESS_KEY_ID',
    flag: 'aws-access-key-id',
    bare: true,
    make: random =>
      token(
        `${['AKIA', 'ASIA'][between(random, 0, 1)]}${pick(random, BASE32, 16)}`,
      ),
  },
  {
    id: 'aws-session-token',
    kind: 'token',
    envName: 'AWS_SESSION_TOKEN',
    flag: 'aws-session-token',
    bare: true,
    native: v => [
      `aws_session_token = ${v}`,
      `{"SessionToken": "${v}"}`,
      `AWS_SESSION_TOKEN: ${v}`,
    ],
    make: random => {
      const tail = pick(random, BASE64, between(random, 300, 500));
      return token(
        `${
          ['IQoJb3JpZ2luX2VjE', 'FwoGZXIvYXdzE'][between(random, 0, 1)]
        }${tail}`,
        tail,
      );
    },
  },
  {
    id: 'azure-storage-connection-string',
    kind: 'structured',
    envName: 'AZURE_STORAGE_CONNECTION_STRING',
    flag: 'connection-string',
    bare: true,
    make: random => {
      const key = `${pick(random, BASE64, 86)}==`;
      return token(
        `DefaultEndpointsProtocol=https;AccountName=acme${pick(
          random,
          LOWER,
          6,
        )};AccountKey=${key};EndpointSuffix=core.windows.net`,
        key,
      );
    },
  },
  {
    id: 'azure-sas-token',
    kind: 'structured',
    envName: 'AZURE_STORAGE_SAS_TOKEN',
    flag: 'sas-token',
    bare: true,
    native: v => [`https://acme.blob.core.windows.net/backups?${v}`],
    make: random => {
      const signature = `${pick(random, BASE64, 43)}=`;
      return token(
        `sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-12-31T18:00:00Z&st=2026-01-01T10:00:00Z&spr=https&sig=${encodeURIComponent(
          signature,
        )}`,
        signature,
      );
    },
  },
  {
    id: 'gcp-service-account-json',
    kind: 'structured',
    envName: 'GOOGLE_CREDENTIALS_JSON',
    flag: 'credentials-json',
    bare: true,
    make: random => {
      const keyId = pick(random, HEX, 40);
      const lines = pemBody(random, 1190);
      const privateKey = `-----BEGIN PRIVATE KEY-----\n${lines.join(
        '\n',
      )}\n-----END PRIVATE KEY-----\n`;
      const value = JSON.stringify({
        type: 'service_account',
        project_id: 'acme-prod',
        private_key_id: keyId,
        private_key: privateKey,
        client_email: 'mcp@acme-prod.iam.gserviceaccount.com',
        client_id: pick(random, DIGITS, 21),
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: 'https://oauth2.googleapis.com/token',
      });
      return { value, randomParts: [keyId, ...lines] };
    },
  },
  pemFormat('pem-rsa', 'RSA PRIVATE KEY', 1190, '\n'),
  pemFormat('pem-rsa-escaped-newlines', 'RSA PRIVATE KEY', 1190, '\\n'),
  pemFormat('pem-ec', 'EC PRIVATE KEY', 121, '\n'),
  pemFormat('pem-ec-escaped-newlines', 'EC PRIVATE KEY', 121, '\\n'),
  pemFormat('pem-openssh', 'OPENSSH PRIVATE KEY', 400, '\n'),
  pemFormat('pem-openssh-escaped-newlines', 'OPENSSH PRIVATE KEY', 400, '\\n'),
  pemFormat('pem-pkcs8-encrypted', 'ENCRYPTED PRIVATE KEY', 1250, '\n'),
  pemFormat(
    'pem-rsa-encrypted-legacy',
    'RSA PRIVATE KEY',
    1190,
    '\n',
    encryptedPemHeaders,
  ),
  pemFormat(
    'pem-rsa-encrypted-legacy-escaped-newlines',
    'RSA PRIVATE KEY',
    1190,
    '\\n',
    encryptedPemHeaders,
  ),
  pemFormat('pem-pgp', 'PGP PRIVATE KEY BLOCK', 900, '\n', () => [
    'Version: GnuPG v2',
    'Comment: acme release key',
  ]),
  {
    // an evidence snippet is cut at 1024 characters: no footer
    id: 'pem-truncated',
    kind: 'multiline',
    envName: 'SSH_PRIVATE_KEY',
    flag: 'private-key',
    bare: true,
    make: random => {
      const full = pem('RSA PRIVATE KEY', 1190, '\n')(random);
      const value = full.value.slice(0, 700);
      return {
        value,
        randomParts: full.randomParts.filter(line => value.includes(line)),
      };
    },
  },
  {
    id: 'slack-webhook',
    kind: 'token',
    envName: 'SLACK_WEBHOOK_URL',
    flag: 'webhook-url',
    bare: true,
    make: random => {
      const team = `T${pick(random, UPPER + DIGITS, 10)}`;
      const bot = `B${pick(random, UPPER + DIGITS, 10)}`;
      const secret = pick(random, ALNUM, 24);
      return token(
        `https://hooks.slack.com/services/${team}/${bot}/${secret}`,
        secret,
        `${team}/${bot}`,
      );
    },
  },
  {
    id: 'discord-webhook',
    kind: 'token',
    envName: 'DISCORD_WEBHOOK_URL',
    flag: 'webhook-url',
    bare: true,
    make: random => {
      const secret = pick(random, BASE64URL, 68);
      return token(
        `https://discord.com/api/webhooks/${pick(
          random,
          DIGITS,
          19,
        )}/${secret}`,
        secret,
      );
    },
  },
  {
    id: 'slack-token',
    kind: 'token',
    envName: 'SLACK_BOT_TOKEN',
    flag: 'slack-token',
    bare: true,
    make: random => {
      const variant = between(random, 0, 3);
      const digits = () => pick(random, DIGITS, 12);
      if (variant === 0) {
        return token(`xoxb-${digits()}-${digits()}-${pick(random, ALNUM, 24)}`);
      }
      if (variant === 1) {
        return token(
          `xoxp-${digits()}-${digits()}-${digits()}-${pick(random, HEX, 32)}`,
        );
      }
      if (variant === 2) {
        return token(
          `xapp-1-A${pick(random, UPPER + DIGITS, 10)}-${pick(
            random,
            DIGITS,
            13,
          )}-${pick(random, HEX, 64)}`,
        );
      }
      return token(`xoxe.xoxp-1-${pick(random, UPPER + DIGITS, 164)}`);
    },
  },
  {
    id: 'stripe-key',
    kind: 'token',
    envName: 'STRIPE_SECRET_KEY',
    flag: 'stripe-key',
    bare: true,
    make: random =>
      token(
        `${
          ['sk_live_', 'rk_live_', 'sk_test_', 'whsec_'][between(random, 0, 3)]
        }${pick(random, ALNUM, between(random, 24, 99))}`,
      ),
  },
  {
    id: 'npm-token',
    kind: 'token',
    envName: 'NPM_TOKEN',
    flag: 'npm-token',
    bare: true,
    native: v => [`${npmrcRegistryPrefix()}:_authToken=${v}`],
    make: random => token(`npm_${pick(random, ALNUM, 36)}`),
  },
  {
    id: 'pypi-token',
    kind: 'token',
    envName: 'PYPI_API_TOKEN',
    flag: 'pypi-token',
    bare: true,
    native: v => [`[pypi]\nusername = __token__\npassword = ${v}\n`],
    make: random =>
      token(
        `pypi-AgEIcHlwaS5vcmc${pick(
          random,
          BASE64URL,
          between(random, 70, 150),
        )}`,
      ),
  },
  {
    id: 'huggingface-token',
    kind: 'token',
    envName: 'HF_TOKEN',
    flag: 'hf-token',
    bare: true,
    make: random =>
      token(
        `${['hf_', 'api_org_'][between(random, 0, 1)]}${pick(
          random,
          UPPER + LOWER,
          34,
        )}`,
      ),
  },
  {
    id: 'openai-key',
    kind: 'token',
    envName: 'OPENAI_API_KEY',
    flag: 'openai-api-key',
    bare: true,
    make: random =>
      between(random, 0, 1)
        ? token(
            `sk-${pick(random, ALNUM, 20)}T3BlbkFJ${pick(random, ALNUM, 20)}`,
          )
        : token(
            `sk-proj-${pick(random, BASE64URL, 74)}T3BlbkFJ${pick(
              random,
              BASE64URL,
              74,
            )}`,
          ),
  },
  {
    id: 'anthropic-key',
    kind: 'token',
    envName: 'ANTHROPIC_API_KEY',
    flag: 'anthropic-api-key',
    bare: true,
    make: random => token(`sk-ant-api03-${pick(random, BASE64URL, 93)}AA`),
  },
  {
    id: 'database-url',
    kind: 'structured',
    envName: 'DATABASE_URL',
    flag: 'database-url',
    bare: true,
    make: random =>
      [
        databaseUrl('postgres', 'app_user', 'db.acme.internal:5432/app'),
        databaseUrl('postgresql', 'app', 'db:5432/app?sslmode=require'),
        databaseUrl('mysql', 'root', 'mysql.acme.internal:3306/mcp'),
        databaseUrl(
          'mongodb+srv',
          'svc-mcp',
          'cluster0.ab1cd.mongodb.net/app?retryWrites=true&w=majority',
        ),
        databaseUrl('redis', 'default', 'redis.acme.internal:6379/0'),
        databaseUrl('redis', '', 'cache:6379'),
        databaseUrl('rediss', 'default', 'cache.acme.dev:6380'),
        databaseUrl('amqp', 'guest', 'rabbit:5672/%2F'),
        databaseUrl('amqps', 'mcp', 'mq.acme.dev/vhost'),
      ][between(random, 0, 8)](random),
  },
  {
    id: 'jwt',
    kind: 'token',
    envName: 'ID_TOKEN',
    flag: 'id-token',
    bare: true,
    make: jwt,
  },
  {
    id: 'url-basic-auth',
    kind: 'structured',
    envName: 'MCP_SERVER_URL',
    flag: 'url',
    bare: true,
    make: random => {
      const password = pick(random, URL_PASSWORD, between(random, 12, 24));
      return token(
        `https://${pick(random, LOWER, 6)}:${password}@mcp.acme.dev/mcp`,
        password,
      );
    },
  },
  {
    id: 'authorization-header',
    kind: 'header',
    envName: 'MCP_AUTH_HEADER',
    flag: 'auth-header',
    bare: true,
    native: v => [`Authorization: ${v}`, `-H 'Authorization: ${v}'`],
    make: random => {
      const variant = between(random, 0, 3);
      if (variant === 0) {
        const secret = pick(random, BASE64URL, between(random, 32, 64));
        return token(`Bearer ${secret}`, secret);
      }
      if (variant === 1) {
        const password = pick(random, PASSWORD, 16);
        const encoded = base64(`svc-${pick(random, LOWER, 4)}:${password}`);
        return token(`Basic ${encoded}`, encoded, password);
      }
      if (variant === 2) {
        const secret = pick(random, HEX, 40);
        return token(`Token ${secret}`, secret);
      }
      return token(pick(random, ALNUM, 40)); // a raw key as the whole value
    },
  },
  {
    id: 'github-token',
    kind: 'token',
    envName: 'GITHUB_PERSONAL_ACCESS_TOKEN',
    flag: 'github-token',
    bare: true,
    make: random =>
      between(random, 0, 5) === 5
        ? token(
            `github_pat_${pick(random, ALNUM, 22)}_${pick(random, ALNUM, 59)}`,
          )
        : token(
            `${
              ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'][between(random, 0, 4)]
            }${pick(random, ALNUM, 36)}`,
          ),
  },
  {
    id: 'gitlab-token',
    kind: 'token',
    envName: 'GITLAB_PERSONAL_ACCESS_TOKEN',
    flag: 'gitlab-token',
    bare: true,
    make: random => {
      const variant = between(random, 0, 4);
      if (variant === 0) return token(`glpat-${pick(random, BASE64URL, 20)}`);
      if (variant === 1) {
        return token(
          `glpat-${pick(random, BASE64URL, 36)}.01.${pick(
            random,
            LOWER + DIGITS,
            9,
          )}`,
        );
      }
      if (variant === 2) return token(`gldt-${pick(random, BASE64URL, 20)}`);
      if (variant === 3) return token(`glptt-${pick(random, HEX, 40)}`);
      return token(`GR1348941${pick(random, BASE64URL, 20)}`);
    },
  },
  {
    id: 'google-api-key',
    kind: 'token',
    envName: 'GOOGLE_API_KEY',
    flag: 'google-api-key',
    bare: true,
    make: random =>
      between(random, 0, 3) === 3
        ? token(`GOCSPX-${pick(random, BASE64URL, 28)}`)
        : token(`AIza${pick(random, BASE64URL, 35)}`),
  },
  {
    id: 'twilio-api-key',
    kind: 'token',
    envName: 'TWILIO_API_KEY',
    flag: 'twilio-api-key',
    bare: true,
    make: random => token(`SK${pick(random, HEX, 32)}`),
  },
  {
    id: 'twilio-auth-token',
    kind: 'token',
    envName: 'TWILIO_AUTH_TOKEN',
    flag: 'auth-token',
    bare: false,
    native: v => [`TWILIO_AUTH_TOKEN=${v}`, `twilio_auth_token: "${v}"`],
    make: random => token(pick(random, HEX, 32)),
  },
  {
    id: 'sendgrid-key',
    kind: 'token',
    envName: 'SENDGRID_API_KEY',
    flag: 'sendgrid-api-key',
    bare: true,
    make: random =>
      token(`SG.${pick(random, BASE64URL, 22)}.${pick(random, BASE64URL, 43)}`),
  },
  {
    id: 'discord-bot-token',
    kind: 'token',
    envName: 'DISCORD_TOKEN',
    flag: 'discord-token',
    bare: true,
    native: v => [`Authorization: Bot ${v}`],
    make: random =>
      token(
        `${'MNO'[between(random, 0, 2)]}${pick(random, BASE64URL, 25)}.${pick(
          random,
          BASE64URL,
          6,
        )}.${pick(random, BASE64URL, 38)}`,
      ),
  },
  {
    id: 'datadog-api-key',
    kind: 'token',
    envName: 'DD_API_KEY',
    flag: 'api-key',
    bare: false,
    native: v => [
      `DD_API_KEY=${v}`,
      `DD-API-KEY: ${v}`,
      `datadog_api_key = "${v}"`,
    ],
    make: random => token(pick(random, HEX, 32)),
  },
  {
    id: 'datadog-app-key',
    kind: 'token',
    envName: 'DD_APP_KEY',
    flag: 'app-key',
    bare: false,
    native: v => [`DD_APPLICATION_KEY=${v}`, `DD-APPLICATION-KEY: ${v}`],
    make: random => token(pick(random, HEX, 40)),
  },
  {
    id: 'generic-password',
    kind: 'token',
    envName: 'DB_PASSWORD',
    flag: 'password',
    bare: false,
    native: v => [
      `password=${v}`,
      `secret: ${v}`,
      `Password: ${v}`,
      `passwd = ${v}`,
      `client_secret="${v}"`,
      `"password": "${v}"`,
      `db:\n  user: app\n  password: ${v}\n`,
    ],
    // starts with a letter or digit: a leading `-` would read as a flag
    make: random =>
      token(
        pick(random, ALNUM, 1) +
          pick(random, PASSWORD, between(random, 11, 31)),
      ),
  },
];

/** One place a credential sits: an MCP config, a command line, a snippet. */
export interface SecretShapeCase {
  shape: string;
  input: unknown;
}

const snippet = (text: string) => ({
  evidence: [{ kind: 'config-entry', snippet: text }],
});

function quoteIfNeeded(value: string): string {
  return /[\s"]/.test(value) ? `"${value}"` : value;
}

function headerValue(format: SecretFormat, value: string): string {
  return format.kind === 'header' ? value : `Bearer ${value}`;
}

/** The shapes a sample of `format` is put in. */
export function shapesFor(
  format: SecretFormat,
  value: string,
): SecretShapeCase[] {
  const oneLine = format.kind !== 'multiline';
  const headerLike = format.kind === 'token' || format.kind === 'header';
  const server = {
    command: 'npx',
    args: ['-y', '@acme/mcp-server'],
  };
  const cases: SecretShapeCase[] = [
    {
      shape: 'env value',
      input: {
        mcpServers: { acme: { ...server, env: { [format.envName]: value } } },
      },
    },
    {
      shape: 'args --flag=value',
      input: {
        mcpServers: {
          acme: {
            ...server,
            args: [...server.args, `--${format.flag}=${value}`],
          },
        },
      },
    },
    {
      shape: 'args --flag value',
      input: {
        mcpServers: {
          acme: {
            ...server,
            args: [...server.args, `--${format.flag}`, value],
          },
        },
      },
    },
    {
      shape: 'args --token=value',
      input: {
        mcpServers: {
          acme: { ...server, args: [...server.args, `--token=${value}`] },
        },
      },
    },
    {
      shape: 'free text NAME=value',
      input: snippet(
        `cursor acme: npx -y @acme/mcp-server ${format.envName}=${quoteIfNeeded(
          value,
        )}`,
      ),
    },
    {
      shape: 'JSON text: env',
      input: snippet(
        JSON.stringify(
          {
            mcpServers: {
              acme: { ...server, env: { [format.envName]: value } },
            },
          },
          null,
          2,
        ),
      ),
    },
    {
      shape: 'JSON text: args',
      input: snippet(
        JSON.stringify({
          mcpServers: {
            acme: {
              ...server,
              args: [...server.args, `--${format.flag}`, value],
            },
          },
        }),
      ),
    },
    {
      shape: 'JSON text inside JSON text',
      input: snippet(
        JSON.stringify({
          'mcp.servers': JSON.stringify({
            acme: { ...server, env: { [format.envName]: value } },
          }),
        }),
      ),
    },
  ];
  if (headerLike) {
    const header = headerValue(format, value);
    cases.push(
      {
        shape: 'headers value',
        input: {
          mcpServers: {
            acme: {
              url: 'https://mcp.acme.dev/mcp',
              headers: { Authorization: header },
            },
          },
        },
      },
      {
        shape: 'args -H "Authorization: …"',
        input: {
          mcpServers: {
            acme: {
              command: 'npx',
              args: [
                '-y',
                'mcp-remote',
                'https://mcp.acme.dev/mcp',
                '-H',
                `Authorization: ${header}`,
              ],
            },
          },
        },
      },
      {
        shape: 'free text -H "Authorization: …"',
        input: snippet(
          `claude: npx -y mcp-remote https://mcp.acme.dev/mcp -H "Authorization: ${header}"`,
        ),
      },
      {
        shape: 'JSON text: headers',
        input: snippet(
          JSON.stringify({
            servers: {
              acme: {
                type: 'http',
                url: 'https://mcp.acme.dev/mcp',
                headers: { Authorization: header },
              },
            },
          }),
        ),
      },
    );
  }
  if (oneLine) {
    cases.push({
      shape: 'URL query string',
      input: {
        mcpServers: {
          acme: {
            url: `https://mcp.acme.dev/mcp?api_key=${encodeURIComponent(
              value,
            )}&region=eu`,
          },
        },
      },
    });
  }
  if (format.bare) {
    cases.push({
      shape: 'free text, no name',
      input: snippet(
        `ps: node /opt/acme/server.js --verbose ${value} --port 3001`,
      ),
    });
  }
  for (const [i, text] of (format.native?.(value) ?? []).entries()) {
    cases.push({ shape: `native form ${i + 1}`, input: snippet(text) });
  }
  return cases;
}

/** Several random samples of each format. */
export function secretSamples(format: SecretFormat, count = 6): SecretSample[] {
  let seed = 0;
  for (const ch of format.id)
    seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => format.make(random));
}

/**
 * Ordinary text that must stay readable byte for byte: paths, packages,
 * versions, URLs without credentials, image digests, our own hashes, UUIDs,
 * git SHAs, base64 of short words, references to secrets kept elsewhere,
 * command lines and tool descriptions.
 */
export const READABLE_TEXTS: string[] = [
  '/home/dana/.cursor/mcp.json',
  'C:\\Users\\x\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
  'C:/Users/Dana/AppData/Roaming/Claude/claude_desktop_config.json',
  '/Users/Dana/Library/Application Support/Claude/claude_desktop_config.json',
  '/home/alice/projects/acme-internal-tools/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
  '/Users/Dana/Projects/MyApp2/src/components/TokenInput.tsx',
  '@modelcontextprotocol/server-github@2025.4.8',
  '@modelcontextprotocol/server-filesystem',
  'mcp-server-fetch==2025.1.17',
  'v1.12.3-beta.4+build.20251121',
  'https://api.githubcopilot.com/mcp/',
  'http://127.0.0.1:3001/mcp',
  'https://mcp.acme.dev/sse?region=eu&session=1',
  'https://oauth2.googleapis.com/token',
  `ghcr.io/github/github-mcp-server@sha256:${'3f9a'.repeat(16)}`,
  'ghcr.io/github/github-mcp-server@sha256:0d5b8e8f4b6f1a0a9f6f1c9b2c7e3d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'mcp_0123456789abcdef0123456789abcdef',
  '[redacted:0123456789ab]',
  '123e4567-e89b-12d3-a456-426614174000',
  '9fceb02d0ae598e95dc970b74767f19372d61af8',
  'aGVsbG8=',
  'bWNwZWVrZXI=',
  'ZGFuYUBhY21lLmRldg==',
  '${API_KEY}',
  '${env:GITHUB_TOKEN}',
  '$GITHUB_TOKEN',
  'Bearer ${GITHUB_TOKEN}',
  'GITHUB_TOKEN=${GITHUB_TOKEN}',
  '--api-key=$ACME_API_KEY',
  'npx -y @modelcontextprotocol/server-filesystem /home/dana/projects',
  'uvx mcp-server-git --repository /home/dana/src/mcpeeker',
  'docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server',
  'cursor github: npx -y @modelcontextprotocol/server-github',
  'PWD=/home/dana/projects',
  'max_tokens=4096',
  'Creates an issue in a GitHub repository. Requires a token with the repo scope; pass it in the Authorization header. Returns the issue number, its title and URL.',
  "Searches the knowledge base. Arguments: query (string), limit (number). Password: the user's password is never needed. Token budget is 4k.",
  'Rotates an API key: returns the new key id and revokes the old key. Secret values are shown once.',
  'Set options as key=value pairs, e.g. region=eu. The api_key: string, required.',
  'Bearer token authentication is supported; Basic auth is not.',
  'ConfigurationManagerFactoryBuilderImpl handles SessionTokenRefreshScheduler events',
];
