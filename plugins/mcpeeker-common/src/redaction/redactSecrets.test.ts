import {
  isSecretName,
  looksLikeKey,
  MAYBE_SECRET,
  REDACTION_MARKER_PATTERN,
  redactSecrets,
  SECRET_NAME_KEYWORDS,
  SECRET_SHAPES,
} from './redactSecrets';
import {
  READABLE_TEXTS,
  SECRET_FORMATS,
  SecretSample,
  secretSamples,
  seededRandom,
  shapesFor,
} from './secretCorpus';

const SALT = 'fleet-salt';

/** What of a sample is still in the redacted output: nothing, or the leaks. */
function leaksOf(sample: SecretSample, output: string): string[] {
  const leaks: string[] = [];
  if (output.includes(sample.value)) leaks.push(`whole value ${sample.value}`);
  for (const part of sample.randomParts) {
    for (const written of new Set([part, encodeURIComponent(part)])) {
      for (let i = 0; i + 8 <= written.length; i++) {
        const window = written.slice(i, i + 8);
        if (output.includes(window)) {
          leaks.push(`'${window}' of ${written}`);
          break;
        }
      }
    }
  }
  return leaks;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}

describe('redactSecrets on the secret corpus', () => {
  describe.each(SECRET_FORMATS.map(format => [format.id, format] as const))(
    '%s',
    (_id, format) => {
      const samples = secretSamples(format);
      const shapes = shapesFor(format, samples[0].value).map(c => c.shape);

      it.each(shapes)('leaves nothing of it in: %s', shape => {
        const leaks: string[] = [];
        for (const sample of samples) {
          const { input } = shapesFor(format, sample.value).find(
            c => c.shape === shape,
          )!;
          const { value, redactions } = redactSecrets(input, { salt: SALT });
          leaks.push(...leaksOf(sample, JSON.stringify(value)));
          expect(redactions).toBeGreaterThan(0);
        }
        expect(leaks).toEqual([]);
      });
    },
  );

  it('is idempotent on every case: redacting redacted output changes nothing', () => {
    for (const format of SECRET_FORMATS) {
      for (const sample of secretSamples(format, 2)) {
        for (const { shape, input } of shapesFor(format, sample.value)) {
          const once = redactSecrets(input, { salt: SALT }).value;
          expect({
            format: format.id,
            shape,
            ...redactSecrets(once, { salt: SALT }),
          }).toEqual({
            format: format.id,
            shape,
            value: once,
            redactions: 0,
          });
        }
      }
    }
  });

  it('reaches every shape through its trigger and the prefilter, and uses every shape', () => {
    const unreachable: string[] = [];
    const used = new Set<string>();
    for (const format of SECRET_FORMATS) {
      for (const sample of secretSamples(format)) {
        const texts = shapesFor(format, sample.value).flatMap(c =>
          stringsIn(c.input),
        );
        for (const text of texts) {
          for (const { name, trigger, pattern } of SECRET_SHAPES) {
            for (const match of text.matchAll(new RegExp(pattern))) {
              used.add(name);
              if (!trigger.test(match[0]) || !MAYBE_SECRET.test(match[0])) {
                unreachable.push(`${name}: ${match[0].slice(0, 40)}`);
              }
            }
          }
        }
      }
    }
    expect(unreachable).toEqual([]);
    expect(SECRET_SHAPES.map(s => s.name).filter(n => !used.has(n))).toEqual(
      [],
    );
  });

  it('finds every secret name: each holds a keyword the scanner and the prefilter look for', () => {
    const names = [
      ...SECRET_FORMATS.flatMap(f => [f.envName, `--${f.flag}`]),
      'aws_secret_access_key',
      'SecretAccessKey',
      'AccountKey',
      'SharedAccessKey',
      'SharedAccessSignature',
      'private_key',
      'private_key_id',
      'client_secret',
      'x-api-key',
      'DD-APPLICATION-KEY',
      'Authorization',
      'Cookie',
      'passwd',
      'passphrase',
      'GITLAB_PAT',
      'SENTRY_DSN',
      'sig',
      'KEY',
      '_authToken',
    ].filter(name => isSecretName(name));
    const missed = names.filter(
      name =>
        !new RegExp(SECRET_NAME_KEYWORDS.source, 'i').test(name) ||
        !MAYBE_SECRET.test(name),
    );
    expect(missed).toEqual([]);
    expect(names.length).toBeGreaterThan(40);
  });
});

describe('redactSecrets keeps ordinary text readable', () => {
  it.each(READABLE_TEXTS)('%s', text => {
    const inputs = [
      text,
      { evidence: [{ kind: 'config-entry', snippet: `cursor acme: ${text}` }] },
      { command: 'npx', args: ['-y', '@acme/mcp-server', text] },
      { description: text, url: text },
      { snippet: JSON.stringify({ mcpServers: { acme: { args: [text] } } }) },
    ];
    for (const input of inputs) {
      expect(redactSecrets(input, { salt: SALT })).toEqual({
        value: input,
        redactions: 0,
      });
    }
  });

  it('keeps references to secrets kept elsewhere, in env, headers and args', () => {
    const config = {
      env: {
        GITHUB_TOKEN: '${env:GITHUB_TOKEN}',
        API_KEY: '${API_KEY}',
        OTHER: '$GITHUB_TOKEN',
      },
      headers: { Authorization: 'Bearer ${input:acme-token}' },
      args: ['--token', '${GITHUB_TOKEN}', '--api-key=$ACME_KEY'],
      token: '{{ secrets.ACME_TOKEN }}',
    };
    expect(redactSecrets(config, { salt: SALT })).toEqual({
      value: config,
      redactions: 0,
    });
  });

  it('keeps MCPeeker events as they are', () => {
    const event = {
      schemaVersion: '1.0',
      eventId:
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      compositeId: 'mcp_0123456789abcdef0123456789abcdef',
      observedAt: '2026-11-21T10:00:00Z',
      host: {
        idHash:
          '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        owner: 'user:default/dana',
      },
      detection: {
        source: 'config',
        configPath: '/home/dana/.cursor/mcp.json',
        command: 'npx',
        args: [
          '-y',
          '@modelcontextprotocol/server-github@2025.4.8',
          '--seq=17',
        ],
        url: 'http://127.0.0.1:3001/mcp',
      },
      evidence: [
        {
          kind: 'config-entry',
          snippet: 'cursor github: npx -y @modelcontextprotocol/server-github',
        },
      ],
    };
    expect(redactSecrets(event, { salt: SALT })).toEqual({
      value: event,
      redactions: 0,
    });
  });
});

// Planted values: each one must disappear from the output.
const PLANTED = {
  envKey: 'plain-looking-env-value-42',
  githubToken: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  githubPat: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv',
  anthropicKey: 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  slackToken: 'xoxb-1234567890-abcdefghijkl',
  awsKey: 'AKIAIOSFODNN7EXAMPLE',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  headerToken: 'header-secret-value',
  flagToken: 'flag-secret-value',
  flagEqKey: 'flag-eq-secret',
  urlPassword: 's3cr3tpw',
  queryToken: 'querytokenvalue123',
  highEntropy: 'Zx8Qp2Lm9Rt4Vb7Nc1Hk6Jd3Fg5Ws0Ay',
  authHeaderArg: 'Bearer-arg-secret-123',
  envAssignment: 'assigned-secret-value',
  awsSecretKey: 'HTXfPW9g8M/51OlM9FOozisnv/WZoINeNVn92NQI',
};

const claudeDesktopConfig = {
  mcpServers: {
    github: {
      command: '/usr/local/bin/npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: {
        GITHUB_PERSONAL_ACCESS_TOKEN: PLANTED.githubToken,
        SOME_SETTING: PLANTED.envKey,
      },
    },
    remote: {
      url: `https://bot:${PLANTED.urlPassword}@mcp.example.com/mcp?token=${PLANTED.queryToken}&region=eu`,
      headers: { Authorization: `Bearer ${PLANTED.headerToken}` },
    },
    tool: {
      command: 'uvx',
      args: [
        'acme-mcp',
        '--token',
        PLANTED.flagToken,
        `--api-key=${PLANTED.flagEqKey}`,
        '--header',
        `Authorization: ${PLANTED.authHeaderArg}`,
        `--note=${PLANTED.slackToken}`,
      ],
    },
    shell: {
      command: 'sh',
      args: [
        '-c',
        `OPENAI_API_KEY=${PLANTED.envAssignment} node server.js ${PLANTED.awsKey}`,
      ],
    },
  },
  notes: `pat ${PLANTED.githubPat} key ${PLANTED.anthropicKey} jwt ${PLANTED.jwt} blob ${PLANTED.highEntropy}`,
  // what the security tester sent (issue #11): the key id went, the secret stayed
  evidence: `aws_access_key_id = ${PLANTED.awsKey}\naws_secret_access_key = ${PLANTED.awsSecretKey}`,
};

describe('redactSecrets', () => {
  it('removes every planted secret from a client config', () => {
    const { value, redactions } = redactSecrets(claudeDesktopConfig, {
      salt: SALT,
    });
    const text = JSON.stringify(value);
    for (const [name, secret] of Object.entries(PLANTED)) {
      expect({ name, leaked: text.includes(secret) }).toEqual({
        name,
        leaked: false,
      });
    }
    expect(redactions).toBeGreaterThanOrEqual(Object.keys(PLANTED).length);
  });

  it('keeps what identifies the server: names, commands, packages, hosts', () => {
    const { value } = redactSecrets(claudeDesktopConfig, { salt: SALT });
    const github = value.mcpServers.github;
    expect(github.command).toBe('/usr/local/bin/npx');
    expect(github.args).toEqual(['-y', '@modelcontextprotocol/server-github']);
    expect(Object.keys(github.env)).toEqual([
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'SOME_SETTING',
    ]);
    expect(value.mcpServers.remote.url).toMatch(
      /^https:\/\/\[redacted:[0-9a-f]{12}\]@mcp\.example\.com\/mcp\?token=\[redacted:[0-9a-f]{12}\]&region=eu$/,
    );
    expect(value.mcpServers.tool.args.slice(0, 2)).toEqual([
      'acme-mcp',
      '--token',
    ]);
    expect(value.mcpServers.tool.args[5]).toMatch(
      /^Authorization: \[redacted:[0-9a-f]{12}\]$/,
    );
    expect(value.evidence).toMatch(
      /^aws_access_key_id = \[redacted:[0-9a-f]{12}\]\naws_secret_access_key = \[redacted:[0-9a-f]{12}\]$/,
    );
  });

  it('keeps the kind of a private key and its frame, not its body', () => {
    const pem = `-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBvX2mYk0Ftq8Y4q3w5WjKp7Zr1sXb9nQeLh2cUaVdT0oAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n`;
    expect(
      redactSecrets({ note: `x ${pem}` }, { salt: SALT }).value.note,
    ).toMatch(
      /^x -----BEGIN EC PRIVATE KEY-----\[redacted:[0-9a-f]{12}\]-----END EC PRIVATE KEY-----\n$/,
    );
  });

  it('links equal secrets across hosts of one fleet without revealing them', () => {
    const a = redactSecrets({ env: { K: 'same-key' } }, { salt: SALT }).value;
    const b = redactSecrets(
      { env: { OTHER: 'same-key' } },
      { salt: SALT },
    ).value;
    const c = redactSecrets(
      { env: { K: 'same-key' } },
      { salt: 'other' },
    ).value;
    expect(a.env.K).toMatch(REDACTION_MARKER_PATTERN);
    expect(b.env.OTHER).toBe(a.env.K);
    expect(c.env.K).not.toBe(a.env.K);
  });

  it('is idempotent: redacting redacted output changes nothing', () => {
    const once = redactSecrets(claudeDesktopConfig, { salt: SALT }).value;
    expect(redactSecrets(once, { salt: SALT })).toEqual({
      value: once,
      redactions: 0,
    });
  });

  it('does not modify its input', () => {
    const input = { env: { TOKEN: 'x-secret' } };
    redactSecrets(input, { salt: SALT });
    expect(input.env.TOKEN).toBe('x-secret');
  });
});

describe('redactSecrets on file paths', () => {
  // random-named folders: mkdtemp's suffix, macOS's per-user temp folder
  const PATHS = [
    '/tmp/mcpeeker-e2e-analyst-3SUWhJ/dana/.cursor/mcp.json',
    '/var/folders/7x/k2j3lq9x1bz5g0000gn/T/mcpeeker-e2e-XyZ12a/home/.cursor/mcp.json',
    '/Users/Dana/Library/Caches/TemporaryItems/mcpeeker-e2e-Qw7ZpL/.codeium/windsurf/mcp_config.json',
    'C:/Users/Dana/AppData/Local/Temp/mcpeeker-e2e-analyst-3SUWhJ/.cursor/mcp.json',
  ];

  it.each(PATHS)('keeps every folder of %s', file => {
    const input = {
      location: { file },
      detection: { configPath: file },
      fix: `Remove "mcp__fs" from permissions.allow in ${file}.`,
    };
    expect(redactSecrets(input, { salt: SALT })).toEqual({
      value: input,
      redactions: 0,
    });
  });

  it('redacts a folder named after a key, and keeps the rest of the path', () => {
    const key = 'Zx8Qp2Lm9Rt4Vb7Nc1Hk6Jd3Fg5Ws0AyHTXfPW9g';
    expect(
      redactSecrets(`/home/dana/acme-tools/${key}/config/mcp.json`, {
        salt: SALT,
      }).value,
    ).toMatch(
      /^\/home\/dana\/acme-tools\/\[redacted:[0-9a-f]{12}\]\/config\/mcp\.json$/,
    );
  });

  it('takes no base64 key with / for a path: nothing of 6 characters stays', () => {
    const random = seededRandom(41);
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const leaks: string[] = [];
    let keys = 0;
    for (const length of [32, 40, 44, 64, 88]) {
      for (let n = 0; n < 1000; n++) {
        let key = '';
        for (let i = 0; i < length; i++) {
          key += alphabet[Math.floor(random() * alphabet.length)];
        }
        // one in four starts at `/`, as a path does
        if (n % 4 === 0) key = `/${key.slice(1)}`;
        if (!key.includes('/') || !looksLikeKey(key)) continue;
        keys++;
        const value = redactSecrets(`ps: node server.js ${key} --port 3001`, {
          salt: SALT,
        }).value;
        const kept = value
          .replace(/\[redacted:[0-9a-f]{12}\]/g, ' ')
          .split(/[^A-Za-z0-9+]/)
          .filter(part => part.length >= 6 && key.includes(part));
        if (kept.length > 0) leaks.push(`${key} -> ${value}`);
      }
    }
    expect(keys).toBeGreaterThan(2000);
    expect(leaks).toEqual([]);
  });
});

describe('redactSecrets on hostile input', () => {
  it('still finds secrets after long runs of characters that start patterns', () => {
    const runs = ['y', 'a1', 'Token', 'x://', 'eyJ'].map(r =>
      r.repeat(Math.ceil(100_000 / r.length)),
    );
    const secret = 'https://bot:hunter2pw@mcp.example.com/';
    for (const run of runs) {
      const { value } = redactSecrets(`${run} ${secret}`, { salt: SALT });
      expect(value).not.toContain('hunter2pw');
      expect(value.startsWith(run.slice(0, 1000))).toBe(true);
    }
  });

  // Every pattern is linear in its input (bounded quantifiers, no restart
  // inside a run); 1 MB of each of these takes well under a second by hand
  // measurement. The test only checks that each completes.
  it('processes 1 MB of letters, slashes and = and of pattern prefixes', () => {
    const random = seededRandom(11);
    const alphabet = 'abcXYZ/=';
    let mixed = '';
    for (let i = 0; i < 1 << 20; i++) {
      mixed += alphabet[Math.floor(random() * alphabet.length)];
    }
    const inputs = [
      mixed,
      'aB3/='.repeat(1 << 18),
      'a/'.repeat(1 << 19),
      '='.repeat(1 << 20),
      'key='.repeat(1 << 18),
      'token: '.repeat(1 << 17),
      '--api-key '.repeat(1 << 17),
      'x://:'.repeat(1 << 18),
      'eyJ-'.repeat(1 << 18),
      'sk-'.repeat(1 << 18),
      'M'.repeat(1 << 20),
      '-----BEGIN PRIVATE KEY-----'.repeat(1 << 15),
      '"password": "'.repeat(1 << 16),
    ];
    for (const input of inputs) {
      const { value } = redactSecrets({ snippet: input }, { salt: SALT });
      expect(typeof value.snippet).toBe('string');
    }
  });
});
