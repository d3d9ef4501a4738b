import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  RegistryServerList,
  RegistryServerResponse,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir, write } from '../__testUtils__/fixtures';
import { runCli } from '../cli';
import type { Platform } from '../scan/clientTable';
import type { ScanReport } from '../scan/scanEndpoint';
import { toEndpointEvents } from '../run/toEvents';
import { readEnforcement } from './enforcement';
import { BACKUP_SUFFIX, OWNERSHIP_FILE } from './policyWriter';

jest.setTimeout(60_000);

const TOKEN = 'policy-test-service-token';

/** An approved entry as the backend's `toServerResponse` serves it. */
function served(server: RegistryServerResponse['server'], entryId: string) {
  return {
    server,
    _meta: {
      'io.modelcontextprotocol.registry/official': {
        status: 'active',
        publishedAt: '2026-11-20T09:00:00.000Z',
        updatedAt: '2026-11-20T09:00:00.000Z',
        isLatest: true,
      },
      'io.mcpeeker/registry': {
        entryId,
        owner: 'user:default/dana',
        team: 'group:default/platform',
        expiresAt: '2027-05-20T00:00:00.000Z',
      },
    },
  } satisfies RegistryServerResponse;
}

const WEATHER = served(
  {
    name: 'io.github.acme/weather',
    description: 'Forecasts',
    version: '1.0.0',
    remotes: [{ type: 'streamable-http', url: 'https://mcp.acme.example/mcp' }],
  },
  'e-weather',
);
const CIRCLECI = served(
  {
    name: 'io.mcpeeker.platform/circleci',
    description: 'CircleCI pipelines',
    version: '0.14.0',
    packages: [
      {
        registryType: 'npm',
        identifier: '@circleci/mcp-server-circleci',
        version: '0.14.0',
        transport: { type: 'stdio' },
      },
    ],
  },
  'e-circleci',
);
const NEEDS_KEY = served(
  {
    name: 'com.example/search',
    description: 'Search with a key of your own',
    version: '2.1.0',
    packages: [
      {
        registryType: 'pypi',
        identifier: 'example-search-mcp',
        version: '2.1.0',
        transport: { type: 'stdio' },
        environmentVariables: [
          { name: 'SEARCH_API_KEY', isRequired: true, isSecret: true },
        ],
      },
    ],
  },
  'e-search',
);

/** The portal's Registry API: two servers a page, the service token required. */
async function portal(servers: RegistryServerResponse[]) {
  const state = { servers, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url!);
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401);
      res.end(
        JSON.stringify({
          error: {
            name: 'AuthenticationError',
            message: 'Missing credentials',
          },
        }),
      );
      return;
    }
    const url = new URL(req.url!, 'http://portal');
    if (url.pathname !== '/api/mcpeeker/v0.1/servers') {
      res.writeHead(404);
      res.end('{}');
      return;
    }
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const page = state.servers.slice(offset, offset + 2);
    const body: RegistryServerList = {
      servers: page,
      metadata: {
        count: page.length,
        ...(offset + 2 < state.servers.length
          ? { nextCursor: String(offset + 2) }
          : {}),
      },
    };
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    base: `http://127.0.0.1:${port}/api/mcpeeker`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

let registry: Awaited<ReturnType<typeof portal>>;
beforeEach(async () => {
  registry = await portal([WEATHER, CIRCLECI, NEEDS_KEY]);
});
afterEach(() => registry.close());

async function policy(root: string, platform: Platform, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [
      'policy',
      '--url',
      registry.base,
      '--platform',
      platform,
      '--system-root',
      root,
      ...args,
    ],
    {
      stdout: t => out.push(t),
      stderr: t => err.push(t),
      env: { MCPEEKER_TOKEN: TOKEN },
    },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Claude Code's managed folder under a fixture system root, per its docs. */
const CLAUDE_FOLDER: Record<Platform, string[]> = {
  linux: ['etc', 'claude-code'],
  darwin: ['Library', 'Application Support', 'ClaudeCode'],
  win32: ['Program Files', 'ClaudeCode'],
};

/**
 * An allowlist or denylist entry as code.claude.com/docs/en/managed-mcp
 * describes it: an object with exactly one of serverName (a string),
 * serverCommand (the command and its arguments), serverUrl (a URL pattern).
 */
function isDocumentedServerMatch(entry: unknown) {
  if (!entry || typeof entry !== 'object') return false;
  const keys = Object.keys(entry);
  if (keys.length !== 1) return false;
  const value = (entry as any)[keys[0]];
  if (keys[0] === 'serverCommand')
    return (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every(v => typeof v === 'string')
    );
  return (
    (keys[0] === 'serverName' || keys[0] === 'serverUrl') &&
    typeof value === 'string'
  );
}

describe('mcpeeker-agent policy', () => {
  it.each(['linux', 'darwin', 'win32'] as Platform[])(
    'writes Claude Code’s managed-settings.json in the documented shape in the %s system folder',
    async platform => {
      const root = makeTempDir();
      const { code, stderr } = await policy(root, platform, '--deny-others');
      expect(stderr).not.toMatch(/refused|cannot/);
      expect(code).toBe(0);
      const settings = read(
        path.join(root, ...CLAUDE_FOLDER[platform], 'managed-settings.json'),
      );
      // Every page was read: the third server came on the second page.
      expect(settings).toEqual({
        allowedMcpServers: [
          { serverUrl: 'https://mcp.acme.example/mcp' },
          {
            serverCommand: [
              'npx',
              '-y',
              '@circleci/mcp-server-circleci@0.14.0',
            ],
          },
          { serverCommand: ['uvx', 'example-search-mcp==2.1.0'] },
        ],
        allowManagedMcpServersOnly: true,
      });
      expect(settings.allowedMcpServers.every(isDocumentedServerMatch)).toBe(
        true,
      );
      // Not deploying: no managed-mcp.json, which would take exclusive control.
      expect(
        fs.existsSync(
          path.join(root, ...CLAUDE_FOLDER[platform], 'managed-mcp.json'),
        ),
      ).toBe(false);
      // VS Code reads a policy file on Linux only; elsewhere MDM sets it, and the agent says so.
      const vscodeFile = path.join(root, 'etc', 'vscode', 'policy.json');
      expect(fs.existsSync(vscodeFile) ? read(vscodeFile) : null).toEqual(
        platform === 'linux'
          ? { McpGalleryServiceUrl: registry.base, ChatMCP: 'registry' }
          : null,
      );
      expect(
        stderr.includes(
          `set McpGalleryServiceUrl=${registry.base} and ChatMCP=registry`,
        ),
      ).toBe(platform !== 'linux');
    },
  );

  it('without --deny-others writes only the allowlist (users may add to it in their own settings)', async () => {
    const root = makeTempDir();
    expect((await policy(root, 'linux', '--client', 'claude-code')).code).toBe(
      0,
    );
    const settings = read(
      path.join(root, 'etc/claude-code/managed-settings.json'),
    );
    expect(Object.keys(settings)).toEqual(['allowedMcpServers']);
    expect(fs.existsSync(path.join(root, 'etc/vscode'))).toBe(false);
  });

  it('--deploy writes managed-mcp.json in the documented .mcp.json shape, without servers that need the user’s secret', async () => {
    const root = makeTempDir();
    const { code, stderr } = await policy(root, 'darwin', '--deploy');
    expect(code).toBe(0);
    expect(
      read(
        path.join(
          root,
          'Library/Application Support/ClaudeCode/managed-mcp.json',
        ),
      ),
    ).toEqual({
      mcpServers: {
        weather: { type: 'http', url: 'https://mcp.acme.example/mcp' },
        circleci: {
          type: 'stdio',
          command: 'npx',
          args: ['-y', '@circleci/mcp-server-circleci@0.14.0'],
        },
      },
    });
    expect(stderr).toContain(
      'com.example/search not deployed in managed-mcp.json: each needs a secret or value from its user',
    );

    // Deploying no more: the managed-mcp.json MCPeeker wrote goes, kept as a backup.
    expect((await policy(root, 'darwin')).code).toBe(0);
    const file = path.join(
      root,
      'Library/Application Support/ClaudeCode/managed-mcp.json',
    );
    expect(fs.existsSync(file)).toBe(false);
    expect(read(`${file}${BACKUP_SUFFIX}`).mcpServers.weather).toBeDefined();
  });

  it('skips, saying which and why, an approved server identified only by host and port, and writes the rest', async () => {
    // The backend serves an entry registered by host and port alone as a
    // server with neither packages nor remotes, as the specification allows.
    const byHostAndPort = served(
      {
        name: 'io.mcpeeker.platform/build-cache',
        description: 'The build cache on the CI hosts',
        title: 'build-cache',
        version: '0.0.0',
      },
      'e-build-cache',
    );
    registry.state.servers = [WEATHER, byHostAndPort, CIRCLECI];
    const root = makeTempDir();
    const { code, stderr } = await policy(
      root,
      'linux',
      '--deny-others',
      '--deploy',
      '--client',
      'claude-code,vscode',
    );
    expect(stderr).not.toContain('nothing written');
    expect(code).toBe(0);
    expect(stderr).toContain(
      'claude-code: io.mcpeeker.platform/build-cache not allowed: the registry serves neither a package nor a remote URL for it',
    );
    expect(stderr).toContain(
      'claude-code: io.mcpeeker.platform/build-cache not deployed in managed-mcp.json: the registry serves neither a package nor a remote URL for it',
    );
    expect(stderr).toMatch(/3 files written \(3 approved servers from /);
    expect(
      read(path.join(root, 'etc/claude-code/managed-settings.json')),
    ).toEqual({
      allowedMcpServers: [
        { serverUrl: 'https://mcp.acme.example/mcp' },
        {
          serverCommand: ['npx', '-y', '@circleci/mcp-server-circleci@0.14.0'],
        },
      ],
      allowManagedMcpServersOnly: true,
    });
    expect(
      Object.keys(
        read(path.join(root, 'etc/claude-code/managed-mcp.json')).mcpServers,
      ),
    ).toEqual(['weather', 'circleci']);
    expect(read(path.join(root, 'etc/vscode/policy.json'))).toEqual({
      McpGalleryServiceUrl: registry.base,
      ChatMCP: 'registry',
    });
  });

  it('allows a server registered from a finding by the exact command it ran, arguments included, and says why one with a secret argument is not allowed', async () => {
    // As the backend serves Dana's `npx -y @modelcontextprotocol/server-filesystem /`
    // registered from its finding: npx's -y, then the finding's arguments.
    const files = served(
      {
        name: 'io.mcpeeker.team-a/filesystem',
        description: 'Reads the whole disk for the docs team',
        version: '2025.8.21',
        packages: [
          {
            registryType: 'npm',
            runtimeHint: 'npx',
            identifier: '@modelcontextprotocol/server-filesystem',
            version: '2025.8.21',
            transport: { type: 'stdio' },
            runtimeArguments: [{ type: 'positional', value: '-y' }],
            packageArguments: [{ type: 'positional', value: '/' }],
          },
        ],
      },
      'e-files',
    );
    // Its argument was a key: the registry serves it without its value.
    const keyed = served(
      {
        name: 'io.mcpeeker.team-a/keyed',
        description: 'Runs with a key on its command line',
        version: '1.0.0',
        packages: [
          {
            registryType: 'npm',
            runtimeHint: 'npx',
            identifier: '@acme/keyed-mcp',
            version: '1.0.0',
            transport: { type: 'stdio' },
            runtimeArguments: [{ type: 'positional', value: '-y' }],
            packageArguments: [
              {
                type: 'positional',
                valueHint: 'secret',
                isRequired: true,
                isSecret: true,
              },
            ],
          },
        ],
      },
      'e-keyed',
    );
    registry.state.servers = [files, keyed];
    const root = makeTempDir();
    const { code, stderr } = await policy(root, 'linux', '--deny-others');
    expect(code).toBe(0);
    expect(
      read(path.join(root, 'etc/claude-code/managed-settings.json')),
    ).toEqual({
      allowedMcpServers: [
        {
          serverCommand: [
            'npx',
            '-y',
            '@modelcontextprotocol/server-filesystem@2025.8.21',
            '/',
          ],
        },
      ],
      allowManagedMcpServersOnly: true,
    });
    expect(stderr).toContain(
      'claude-code: io.mcpeeker.team-a/keyed not allowed: it runs with an argument the registry does not serve (a secret, or a value its user gives), so its exact command cannot be allowlisted',
    );
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const root = makeTempDir();
    const { code, stdout, stderr } = await policy(
      root,
      'linux',
      '--deny-others',
      '--dry-run',
      '--client',
      'claude-code,vscode',
    );
    expect(code).toBe(0);
    const settingsFile = path.join(
      root,
      'etc/claude-code/managed-settings.json',
    );
    expect(stdout).toContain(
      `--- /dev/null\n+++ ${settingsFile}\n@@ -0,0 +1,21 @@\n+{\n+  "allowedMcpServers": [\n`,
    );
    expect(stdout).toContain('+  "allowManagedMcpServersOnly": true\n');
    expect(stdout).toContain(
      `+++ ${path.join(root, 'etc/vscode/policy.json')}`,
    );
    expect(stderr).toContain('dry run: 2 files would change');
    expect(fs.readdirSync(root)).toEqual([]);

    // Against written files, the diff shows only what would change.
    await policy(root, 'linux');
    const second = await policy(
      root,
      'linux',
      '--deny-others',
      '--dry-run',
      '--client',
      'claude-code,vscode',
    );
    expect(second.stdout).toBe(
      [
        `--- ${settingsFile}`,
        `+++ ${settingsFile}`,
        '@@ -16,5 +16,6 @@',
        '         "example-search-mcp==2.1.0"',
        '       ]',
        '     }',
        '-  ]',
        '+  ],',
        '+  "allowManagedMcpServersOnly": true',
        ' }',
        `--- ${path.join(root, 'etc/vscode/policy.json')}`,
        `+++ ${path.join(root, 'etc/vscode/policy.json')}`,
        '@@ -1,3 +1,4 @@',
        ' {',
        `-  "McpGalleryServiceUrl": "${registry.base}"`,
        `+  "McpGalleryServiceUrl": "${registry.base}",`,
        '+  "ChatMCP": "registry"',
        ' }',
        '',
      ].join('\n'),
    );
    expect(read(settingsFile).allowManagedMcpServersOnly).toBeUndefined();
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    const root = makeTempDir();
    await policy(root, 'linux', '--deny-others', '--deploy');
    const folder = path.join(root, 'etc/claude-code');
    const before = Object.fromEntries(
      fs
        .readdirSync(folder)
        .map(f => [f, fs.readFileSync(path.join(folder, f), 'utf8')]),
    );
    const again = await policy(root, 'linux', '--deny-others', '--deploy');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /no change \(3 approved servers from .*\); enforced: claude-code fixed, vscode registry-only/,
    );
    const after = Object.fromEntries(
      fs
        .readdirSync(folder)
        .map(f => [f, fs.readFileSync(path.join(folder, f), 'utf8')]),
    );
    expect(after).toEqual(before);
    // No backup of a file that did not change.
    expect(Object.keys(after).some(f => f.endsWith(BACKUP_SUFFIX))).toBe(false);
  });

  it('keeps the previous file as a backup when an approval changes the allowlist', async () => {
    const root = makeTempDir();
    await policy(root, 'win32');
    const file = path.join(
      root,
      'Program Files/ClaudeCode/managed-settings.json',
    );
    const first = fs.readFileSync(file, 'utf8');
    registry.state.servers = [WEATHER];
    const { code, stderr } = await policy(root, 'win32');
    expect(code).toBe(0);
    expect(stderr).toContain(
      `claude-code: wrote ${file} (the previous one is ${file}${BACKUP_SUFFIX})`,
    );
    expect(fs.readFileSync(`${file}${BACKUP_SUFFIX}`, 'utf8')).toBe(first);
    expect(read(file).allowedMcpServers).toEqual([
      { serverUrl: 'https://mcp.acme.example/mcp' },
    ]);
    // No temporary file is left beside it.
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(
      [
        OWNERSHIP_FILE,
        'managed-settings.json',
        `managed-settings.json${BACKUP_SUFFIX}`,
      ].sort(),
    );
  });

  it('refuses a file it did not write, writing nothing, until --force; then keeps the administrator’s other keys', async () => {
    const root = makeTempDir();
    const admins = {
      permissions: { deny: ['Read(./.env)'] },
      deniedMcpServers: [{ serverName: 'filesystem' }],
    };
    const file = write(root, 'etc/claude-code/managed-settings.json', admins);
    const original = fs.readFileSync(file, 'utf8');

    const refused = await policy(root, 'linux', '--deny-others');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `refused ${file}: not written by mcpeeker-agent (no record of it in ${OWNERSHIP_FILE}) (--force to take it over)`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    // All or nothing: VS Code's file is not written either.
    expect(fs.existsSync(path.join(root, 'etc/vscode'))).toBe(false);

    const forced = await policy(root, 'linux', '--deny-others', '--force');
    expect(forced.code).toBe(0);
    expect(read(file)).toEqual({
      ...admins,
      allowedMcpServers: expect.any(Array),
      allowManagedMcpServersOnly: true,
    });
    expect(fs.readFileSync(`${file}${BACKUP_SUFFIX}`, 'utf8')).toBe(original);

    // Now MCPeeker's: the next run needs no --force.
    expect((await policy(root, 'linux', '--deny-others')).code).toBe(0);
  });

  it('refuses a file of its own that someone changed since', async () => {
    const root = makeTempDir();
    await policy(root, 'linux', '--client', 'claude-code');
    const file = path.join(root, 'etc/claude-code/managed-settings.json');
    fs.writeFileSync(file, JSON.stringify({ allowedMcpServers: [] }));
    const { code, stderr } = await policy(
      root,
      'linux',
      '--client',
      'claude-code',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `refused ${file}: changed since mcpeeker-agent wrote it \\(\\d{4}-`,
      ),
    );
  });

  it('names the file and what is wrong with it', async () => {
    const root = makeTempDir();
    const file = write(
      root,
      'etc/claude-code/managed-settings.json',
      '{ "permissions": ',
    );
    const notJson = await policy(root, 'linux', '--force');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain(`${file}: not JSON (`);
    expect(notJson.stderr).toContain('nothing written');

    write(root, 'etc/claude-code/managed-settings.json', '[]');
    expect((await policy(root, 'linux', '--force')).stderr).toContain(
      `${file}: expected a JSON object, found an array`,
    );

    fs.rmSync(file);
    write(root, `etc/claude-code/${OWNERSHIP_FILE}`, {
      files: { 'managed-settings.json': { sha256: 'abc', writtenAt: 'x' } },
    });
    write(root, 'etc/claude-code/managed-settings.json', {});
    expect((await policy(root, 'linux')).stderr).toContain(
      `${path.join(
        root,
        'etc/claude-code',
        OWNERSHIP_FILE,
      )}: files.managed-settings.json.sha256: expected a hex SHA-256`,
    );
  });

  it('says why the portal could not be read, and writes nothing', async () => {
    const root = makeTempDir();
    const out: string[] = [];
    const code = await runCli(
      [
        'policy',
        '--url',
        registry.base,
        '--platform',
        'linux',
        '--system-root',
        root,
      ],
      { stdout: () => {}, stderr: t => out.push(t), env: {} },
    );
    expect(code).toBe(1);
    expect(out.join('')).toContain(
      `GET ${
        new URL(registry.base).origin
      }/api/mcpeeker/v0.1/servers: HTTP 401: Missing credentials (set MCPEEKER_TOKEN`,
    );
    expect(fs.readdirSync(root)).toEqual([]);

    registry.state.servers = [{ server: { name: 'no-slash' } } as any];
    const bad = await policy(root, 'linux');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'not a Registry API answer: servers.0.server.',
    );
  });

  it.each(['/v0.1', '/v0.1/servers', '/v0.1/'])(
    'takes the Registry API URL (the base + %s) for --url as meaning its base',
    async suffix => {
      const root = makeTempDir();
      const err: string[] = [];
      const code = await runCli(
        [
          'policy',
          '--url',
          `${registry.base}${suffix}`,
          '--platform',
          'linux',
          '--system-root',
          root,
        ],
        {
          stdout: () => {},
          stderr: t => err.push(t),
          env: { MCPEEKER_TOKEN: TOKEN },
        },
      );
      expect(err.join('')).not.toContain('HTTP 404');
      expect(code).toBe(0);
      expect(registry.state.requests[0]).toMatch(
        /^\/api\/mcpeeker\/v0\.1\/servers\?/,
      );
      expect(
        read(path.join(root, 'etc/claude-code/managed-settings.json'))
          .allowedMcpServers,
      ).toHaveLength(3);
      // VS Code is given the base: it appends /v0.1/servers itself.
      expect(read(path.join(root, 'etc/vscode/policy.json'))).toEqual({
        McpGalleryServiceUrl: registry.base,
      });
    },
  );

  it('then `run --once --system-root` reports the host as enforcing what policy wrote there', async () => {
    const root = makeTempDir();
    expect((await policy(root, 'linux', '--client', 'claude-code')).code).toBe(
      0,
    );

    const bodies: any[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', d => (body += d));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: 0, duplicates: 0, rejected: [] }));
      });
    });
    await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r));
    try {
      const { port } = receiver.address() as AddressInfo;
      const work = makeTempDir();
      const config = path.join(work, 'agent.yaml');
      fs.writeFileSync(config, 'processes: false\nports: false\n');
      const err: string[] = [];
      const code = await runCli(
        ['run', '--once', '--config', config, '--system-root', root],
        {
          stdout: () => {},
          stderr: t => err.push(t),
          env: {
            MCPEEKER_HTTP_URL: `http://127.0.0.1:${port}/api/mcpeeker/events`,
            MCPEEKER_TOKEN: TOKEN,
            MCPEEKER_HOST_ID_SALT: 'policy-run-salt-0123456789',
            MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
            MCPEEKER_CREDENTIAL_FILE: path.join(work, 'credential'),
          },
        },
      );
      expect([code, err.join('')]).toEqual([
        0,
        expect.not.stringMatching(/unknown option/),
      ]);
      // The host's status, or each event of what the real home holds:
      // every one says Claude Code enforces the allowlist policy wrote.
      const said = bodies.flatMap(b =>
        b.events.length > 0
          ? b.events.map((e: any) => e.host.enforcement)
          : [b.host.enforcement],
      );
      expect(said.length).toBeGreaterThan(0);
      for (const enforcement of said)
        expect(enforcement).toEqual([
          {
            client: 'claude-code',
            mode: 'allowlist',
            byMcpeeker: true,
            allowed: 3,
            appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
        ]);
    } finally {
      await new Promise(r => receiver.close(r));
    }
  });

  it('reports what each client enforces with the endpoint events, in the common schema', async () => {
    const root = makeTempDir();
    expect(
      readEnforcement({ platform: 'linux', systemRoot: root, env: {} }),
    ).toEqual([]);
    await policy(root, 'linux', '--deny-others');
    const enforcement = readEnforcement({
      platform: 'linux',
      systemRoot: root,
      env: {},
    });
    expect(enforcement).toEqual([
      {
        client: 'claude-code',
        mode: 'managed-only',
        byMcpeeker: true,
        allowed: 3,
        appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      {
        client: 'vscode',
        mode: 'registry-only',
        byMcpeeker: true,
        appliedAt: expect.any(String),
      },
      ...['gemini-cli', 'qwen-code'].map(client => ({
        client,
        mode: 'managed-only',
        byMcpeeker: true,
        allowed: 3,
        appliedAt: expect.any(String),
      })),
    ]);
    // An administrator's own policy enforces too, but not by MCPeeker.
    const adminRoot = makeTempDir();
    write(adminRoot, 'etc/claude-code/managed-settings.json', {
      allowedMcpServers: [{ serverName: 'github' }],
    });
    expect(
      readEnforcement({ platform: 'linux', systemRoot: adminRoot, env: {} }),
    ).toEqual([
      {
        client: 'claude-code',
        mode: 'allowlist',
        byMcpeeker: false,
        allowed: 1,
      },
    ]);

    const report = {
      scannedAt: '2026-11-23T10:00:00.000Z',
      agentVersion: '0.1.0',
      host: { idHash: 'a'.repeat(64), os: 'linux' },
      detections: [
        {
          source: 'config',
          compositeId: `mcp_${'b'.repeat(32)}`,
          client: 'claude-code',
          serverName: 'weather',
          configPath: '/home/dana/.claude.json',
          scope: 'user',
          transport: 'http',
          url: 'https://mcp.acme.example/mcp',
        },
      ],
      errors: [],
    } as unknown as ScanReport;
    const [event] = toEndpointEvents(report, {
      addressHashes: [],
      enforcement,
    });
    const validated = validateEvent(JSON.parse(JSON.stringify(event)));
    expect(validated).toMatchObject({ success: true });
    expect((event as any).host.enforcement).toEqual(enforcement);
  });
});
