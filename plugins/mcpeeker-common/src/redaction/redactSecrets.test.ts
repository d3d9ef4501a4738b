import { REDACTION_MARKER_PATTERN, redactSecrets } from './redactSecrets';

const SALT = 'fleet-salt';

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
  });

  it('leaves digests, UUIDs and paths alone', () => {
    const harmless = {
      eventId: `${'a'.repeat(20)}0123456789abcdef0123456789abcdef0123456789ab`,
      uuid: '123e4567-e89b-12d3-a456-426614174000',
      path: '/home/alice/projects/acme-internal-tools/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
      sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    };
    expect(redactSecrets(harmless, { salt: SALT })).toEqual({
      value: harmless,
      redactions: 0,
    });
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
});
