import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import type {
  RegistryServerList,
  RegistryServerResponse,
} from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir, write } from '../__testUtils__/fixtures';
import { runCli } from '../cli';
import type { Platform } from '../scan/clientTable';
import { readEnforcement } from './enforcement';
import { BACKUP_SUFFIX, OWNERSHIP_FILE } from './policyWriter';
import { NO_SERVER_APPROVED } from './systemSettings';

jest.setTimeout(60_000);

const TOKEN = 'policy-settings-test-token';

const served = (server: RegistryServerResponse['server']) =>
  ({ server } satisfies RegistryServerResponse);

const WEATHER = served({
  name: 'io.github.acme/weather',
  description: 'Forecasts',
  version: '1.0.0',
  remotes: [{ type: 'streamable-http', url: 'https://mcp.acme.example/mcp' }],
});
const EVENTS = served({
  name: 'io.github.acme/events',
  description: 'Event stream',
  version: '1.0.0',
  remotes: [{ type: 'sse', url: 'https://events.acme.example/sse' }],
});
const CIRCLECI = served({
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
});
const SEARCH = served({
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
        { name: 'SEARCH_REGION', value: 'eu' },
      ],
    },
  ],
});
const NEEDS_HEADER = served({
  name: 'com.example/tickets',
  description: 'Tickets with a token of your own',
  version: '1.0.0',
  remotes: [
    {
      type: 'streamable-http',
      url: 'https://tickets.example/mcp',
      headers: [{ name: 'Authorization', isRequired: true, isSecret: true }],
    },
  ],
});

/** The portal's Registry API, the service token required. */
async function portal(servers: RegistryServerResponse[]) {
  const state = { servers };
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401);
      res.end('{}');
      return;
    }
    const body: RegistryServerList = {
      servers: state.servers,
      metadata: { count: state.servers.length },
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
  registry = await portal([WEATHER, EVENTS, CIRCLECI, SEARCH, NEEDS_HEADER]);
});
afterEach(() => registry.close());

async function policy(
  root: string,
  platform: Platform,
  args: string[],
  env: Record<string, string> = {},
) {
  const err: string[] = [];
  const out: string[] = [];
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
      env: { MCPEEKER_TOKEN: TOKEN, ...env },
    },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Each client's system settings folder under a fixture root, as its getSystemSettingsPath() has it. */
const FOLDER: Record<'gemini-cli' | 'qwen-code', Record<Platform, string>> = {
  'gemini-cli': {
    linux: 'etc/gemini-cli',
    darwin: 'Library/Application Support/GeminiCli',
    win32: 'ProgramData/gemini-cli',
  },
  'qwen-code': {
    linux: 'etc/qwen-code',
    darwin: 'Library/Application Support/QwenCode',
    win32: 'ProgramData/qwen-code',
  },
};
const settingsFile = (
  root: string,
  client: 'gemini-cli' | 'qwen-code',
  platform: Platform = 'linux',
) => path.join(root, ...FOLDER[client][platform].split('/'), 'settings.json');

/**
 * Which servers Gemini CLI starts, from a system and a user settings file,
 * as its source decides (google-gemini/gemini-cli): `mcpServers` shallow
 * merged, the system file over the user's (`MergeStrategy.SHALLOW_MERGE`,
 * deepMerge.ts); the allowlists of every file intersected
 * (`getConsolidatedAllowedMcpServers`), excluded names united; a server
 * whose name is not allowed (a non-empty list) or is excluded does not
 * start (`McpClientManager.isBlockedBySettings`). Qwen Code, its fork,
 * reads the same keys with the system file over the others.
 */
function started(system: any, user: any): Record<string, any> {
  const servers = { ...user.mcpServers, ...system.mcpServers };
  const lists = [system, user]
    .map(s => s.mcp?.allowed)
    .filter(Array.isArray) as string[][];
  const allowed = lists.length
    ? lists.reduce((a, l) => a.filter(n => l.includes(n)))
    : undefined;
  const excluded = [system, user].flatMap(s => s.mcp?.excluded ?? []);
  return Object.fromEntries(
    Object.entries(servers).filter(
      ([name]) =>
        !(allowed && allowed.length > 0 && !allowed.includes(name)) &&
        !excluded.includes(name),
    ),
  );
}

/** An `mcpServers` entry as both clients' docs give it: exactly one of `command`, `url` (SSE), `httpUrl`. */
function isDocumentedEntry(entry: any) {
  const kinds = ['command', 'url', 'httpUrl'].filter(k => k in entry);
  if (kinds.length !== 1 || typeof entry[kinds[0]] !== 'string') return false;
  if (
    'args' in entry &&
    !entry.args.every((a: unknown) => typeof a === 'string')
  )
    return false;
  return Object.keys(entry).every(k =>
    ['command', 'args', 'env', 'url', 'httpUrl'].includes(k),
  );
}

const APPROVED = {
  weather: { httpUrl: 'https://mcp.acme.example/mcp' },
  events: { url: 'https://events.acme.example/sse' },
  circleci: {
    command: 'npx',
    args: ['-y', '@circleci/mcp-server-circleci@0.14.0'],
  },
  search: {
    command: 'uvx',
    args: ['example-search-mcp==2.1.0'],
    // The user's own key, expanded by the client from their environment.
    env: { SEARCH_API_KEY: '${SEARCH_API_KEY}', SEARCH_REGION: 'eu' },
  },
};

describe('mcpeeker-agent policy for Gemini CLI and Qwen Code', () => {
  it.each(['linux', 'darwin', 'win32'] as Platform[])(
    '--deny-others defines the approved servers and allows only their names in the %s system settings file',
    async platform => {
      const root = makeTempDir();
      const { code, stderr } = await policy(root, platform, [
        '--deny-others',
        '--client',
        'gemini-cli,qwen-code',
      ]);
      expect(code).toBe(0);
      for (const client of ['gemini-cli', 'qwen-code'] as const) {
        const settings = read(settingsFile(root, client, platform));
        expect(settings).toEqual({
          mcpServers: APPROVED,
          mcp: { allowed: ['weather', 'events', 'circleci', 'search'] },
        });
        expect(
          Object.values(settings.mcpServers).every(isDocumentedEntry),
        ).toBe(true);
        expect(stderr).toContain(
          `${client}: com.example/tickets not allowed: each needs a header or argument from its user`,
        );
        expect(
          read(
            path.join(
              path.dirname(settingsFile(root, client, platform)),
              OWNERSHIP_FILE,
            ),
          ).files['settings.json'].sha256,
        ).toMatch(/^[0-9a-f]{64}$/);
      }
      // Claude Code's and VS Code's files were not asked for.
      expect(fs.existsSync(path.join(root, 'etc', 'claude-code'))).toBe(false);
    },
  );

  it('holds a user to the approved servers: their own of an approved name is replaced, any other does not start', async () => {
    const root = makeTempDir();
    await policy(root, 'linux', ['--deny-others', '--client', 'gemini-cli']);
    const system = read(settingsFile(root, 'gemini-cli'));
    const user = {
      mcpServers: {
        weather: { command: 'node', args: ['my-own-weather.js'] },
        scraper: { command: 'npx', args: ['-y', 'some-scraper'] },
      },
      // A user's allowlist narrows the system's, never widens it.
      mcp: { allowed: ['weather', 'scraper'] },
    };
    expect(started(system, user)).toEqual({ weather: APPROVED.weather });
    expect(started(system, { mcpServers: user.mcpServers })).toEqual(APPROVED);
  });

  it('with no server approved, --deny-others lets none start (an empty allowlist would allow all)', async () => {
    registry.state.servers = [];
    const root = makeTempDir();
    expect(
      (await policy(root, 'linux', ['--deny-others', '--client', 'qwen-code']))
        .code,
    ).toBe(0);
    const file = settingsFile(root, 'qwen-code');
    const system = read(file);
    expect(system).toEqual({
      mcpServers: {},
      mcp: { allowed: [NO_SERVER_APPROVED], excluded: [NO_SERVER_APPROVED] },
    });
    expect(
      started(system, {
        mcpServers: {
          mine: { command: 'mine' },
          [NO_SERVER_APPROVED]: { command: 'sneaky' },
        },
      }),
    ).toEqual({});
    expect(
      readEnforcement({ platform: 'linux', systemRoot: root, env: {} }),
    ).toEqual([
      expect.objectContaining({
        client: 'qwen-code',
        mode: 'managed-only',
        allowed: 0,
        byMcpeeker: true,
      }),
    ]);

    // Once a server is approved, the placeholder goes.
    registry.state.servers = [WEATHER];
    await policy(root, 'linux', ['--deny-others', '--client', 'qwen-code']);
    expect(read(file)).toEqual({
      mcpServers: { weather: APPROVED.weather },
      mcp: { allowed: ['weather'] },
    });
  });

  it('writes nothing without --deploy or --deny-others, and says why; --deploy alone defines the servers without an allowlist', async () => {
    const root = makeTempDir();
    const plain = await policy(root, 'linux', ['--client', 'gemini-cli']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(
      'gemini-cli: its allowlist is of server names, so the approved servers are written (defined in mcpServers) with --deploy or --deny-others only; nothing written',
    );
    expect(fs.existsSync(settingsFile(root, 'gemini-cli'))).toBe(false);

    await policy(root, 'linux', ['--deploy', '--client', 'gemini-cli']);
    const system = read(settingsFile(root, 'gemini-cli'));
    expect(system).toEqual({ mcpServers: APPROVED });
    // Nothing is enforced: a user's server of another name starts too.
    expect(
      started(system, { mcpServers: { mine: { command: 'mine' } } }),
    ).toHaveProperty('mine');
    expect(
      readEnforcement({ platform: 'linux', systemRoot: root, env: {} }),
    ).toEqual([]);

    // Dropping both options takes MCPeeker's file away again.
    const removed = await policy(root, 'linux', ['--client', 'gemini-cli']);
    expect(removed.stderr).toContain(
      `gemini-cli: removed ${settingsFile(root, 'gemini-cli')}`,
    );
    expect(fs.existsSync(settingsFile(root, 'gemini-cli'))).toBe(false);
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    const root = makeTempDir();
    const args = ['--deny-others', '--client', 'gemini-cli,qwen-code'];
    await policy(root, 'darwin', args);
    const before = fs.readFileSync(settingsFile(root, 'gemini-cli', 'darwin'));
    const second = await policy(root, 'darwin', args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(
      /no change \(5 approved servers from .*\); enforced: gemini-cli managed-only, qwen-code managed-only/,
    );
    expect(fs.readFileSync(settingsFile(root, 'gemini-cli', 'darwin'))).toEqual(
      before,
    );
    const dry = await policy(root, 'darwin', [...args, '--dry-run']);
    expect(dry.stdout).toBe('');
  });

  it('refuses an administrator’s system settings file until --force, then keeps their other settings and backs theirs up', async () => {
    const root = makeTempDir();
    const theirs = {
      ui: { theme: 'system-enforced-theme' },
      mcp: { serverCommand: 'corp-mcp', excluded: ['legacy-tool'] },
      mcpServers: { 'corp-data-api': { command: '/usr/local/bin/corp' } },
    };
    const file = write(root, 'ProgramData/gemini-cli/settings.json', theirs);
    const refused = await policy(root, 'win32', [
      '--deny-others',
      '--client',
      'gemini-cli',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `refused ${file}: not written by mcpeeker-agent (no record of it in ${OWNERSHIP_FILE})`,
    );
    expect(read(file)).toEqual(theirs);

    const forced = await policy(root, 'win32', [
      '--deny-others',
      '--force',
      '--client',
      'gemini-cli',
    ]);
    expect(forced.code).toBe(0);
    expect(read(`${file}${BACKUP_SUFFIX}`)).toEqual(theirs);
    expect(read(file)).toEqual({
      ui: { theme: 'system-enforced-theme' },
      mcp: {
        serverCommand: 'corp-mcp',
        excluded: ['legacy-tool'],
        allowed: ['weather', 'events', 'circleci', 'search'],
      },
      // The approved servers replace the administrator's definitions.
      mcpServers: APPROVED,
    });

    // Changed by hand since: refused again.
    fs.writeFileSync(file, JSON.stringify({ ...read(file), extra: true }));
    const changed = await policy(root, 'win32', [
      '--client',
      'gemini-cli',
      '--deploy',
    ]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /refused .*changed since mcpeeker-agent wrote it/,
    );
  });

  it('writes where GEMINI_CLI_SYSTEM_SETTINGS_PATH / QWEN_CODE_SYSTEM_SETTINGS_PATH point, and reads enforcement there', async () => {
    const root = makeTempDir();
    const moved = makeTempDir();
    const env = {
      GEMINI_CLI_SYSTEM_SETTINGS_PATH: path.join(moved, 'gemini.json'),
      QWEN_CODE_SYSTEM_SETTINGS_PATH: path.join(moved, 'qwen', 'settings.json'),
    };
    const { code } = await policy(
      root,
      'linux',
      ['--deny-others', '--client', 'gemini-cli,qwen-code'],
      env,
    );
    expect(code).toBe(0);
    expect(read(env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).mcp.allowed).toHaveLength(
      4,
    );
    expect(read(env.QWEN_CODE_SYSTEM_SETTINGS_PATH).mcp.allowed).toHaveLength(
      4,
    );
    expect(fs.existsSync(path.join(root, 'etc'))).toBe(false);
    expect(
      readEnforcement({ platform: 'linux', systemRoot: root, env }).map(
        e => `${e.client} ${e.mode} ${e.allowed} ${e.byMcpeeker}`,
      ),
    ).toEqual([
      'gemini-cli managed-only 4 true',
      'qwen-code managed-only 4 true',
    ]);
  });

  it('reports an administrator’s own allowlist as enforcing, not by MCPeeker', () => {
    const root = makeTempDir();
    write(root, 'etc/gemini-cli/settings.json', {
      mcp: { allowed: ['corp-tools'] },
      mcpServers: { 'corp-tools': { command: '/opt/gemini-tools/start.sh' } },
    });
    expect(
      readEnforcement({ platform: 'linux', systemRoot: root, env: {} }),
    ).toEqual([
      {
        client: 'gemini-cli',
        mode: 'managed-only',
        allowed: 1,
        byMcpeeker: false,
      },
    ]);
  });
});
