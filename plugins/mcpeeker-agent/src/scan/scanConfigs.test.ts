import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  COMPOSITE_ID_PATTERN,
  hashIdentifier,
} from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../cli';
import { readHostId } from '../host';
import {
  buildLinuxHome,
  buildProjects,
  makeTempDir,
  PLANTED,
  write,
} from '../__testUtils__/fixtures';
import type { ConfigDetection, Detection } from './scanConfigs';

const SALT = 'agent-test-salt-0123456789';

async function scan(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['scan', '--format', 'json', ...args], {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env: { MCPEEKER_HOST_ID_SALT: SALT },
  });
  return {
    code,
    stdout,
    stderr,
    report: code === 0 ? JSON.parse(stdout) : undefined,
  };
}

const byName = (detections: Detection[], serverName: string) =>
  detections.filter(d => d.serverName === serverName);

describe('mcpeeker-agent scan: Linux home with every client', () => {
  const home = makeTempDir();
  const managed = makeTempDir();
  const projects = makeTempDir();
  buildLinuxHome(home, managed);
  buildProjects(projects);

  let result: Awaited<ReturnType<typeof scan>>;
  beforeAll(async () => {
    result = await scan([
      '--home',
      home,
      '--platform',
      'linux',
      '--managed-dir',
      managed,
      '--root',
      projects,
      '--no-processes',
      '--no-ports',
    ]);
  });

  it('prints one JSON document with host, detections and errors', () => {
    expect(result.code).toBe(0);
    expect(result.report).toMatchObject({
      schemaVersion: '1.0',
      host: { idHash: expect.stringMatching(/^[0-9a-f]{64}$/), os: 'linux' },
      errors: [],
      skipped: [],
    });
  });

  const EXPECTED_CONFIG_ENTRIES: Array<
    [string, string, string, Partial<ConfigDetection>]
  > = [
    [
      'github',
      'claude-code',
      'user',
      {
        transport: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github'],
        envNames: ['GITHUB_PERSONAL_ACCESS_TOKEN'],
      },
    ],
    [
      'linear',
      'claude-code',
      'user',
      {
        transport: 'http',
        url: 'https://mcp.linear.app/mcp',
        headerNames: ['Authorization'],
        projectPath: '/home/dana/acme',
      },
    ],
    [
      'company-docs',
      'claude-code',
      'managed',
      { transport: 'http', url: 'https://docs.corp.example/mcp' },
    ],
    ['plugin-db', 'claude-code', 'user', { command: 'npx' }],
    [
      'filesystem',
      'claude-desktop',
      'user',
      {
        transport: 'stdio',
        args: [
          '-y',
          '@modelcontextprotocol/server-filesystem',
          '/home/dana/docs',
        ],
      },
    ],
    [
      'slack',
      'claude-desktop',
      'user',
      {
        command: 'uvx',
        args: [
          'slack-mcp',
          '--token',
          expect.stringMatching(/^\[redacted:[0-9a-f]{12}\]$/),
        ],
      },
    ],
    [
      'github-extension',
      'claude-desktop',
      'user',
      { command: 'node', envNames: ['GITHUB_TOKEN'] },
    ],
    [
      'legacy-dxt',
      'claude-desktop',
      'user',
      { command: 'python', args: ['-m', 'legacy_server'] },
    ],
    ['playwright', 'vscode', 'user', { command: 'npx' }],
    ['remote', 'vscode', 'user', { transport: 'http' }],
    [
      'settings-server',
      'vscode',
      'user',
      { command: 'docker', args: ['run', '-i', '--rm', 'mcp/fetch'] },
    ],
    ['amp-in-vscode', 'vscode', 'user', { command: 'npx' }],
    ['profile-server', 'vscode', 'user', { command: 'uvx' }],
    [
      'insiders',
      'vscode',
      'user',
      { transport: 'sse', url: 'http://localhost:8931/sse' },
    ],
    ['codium', 'vscode', 'user', { command: 'node' }],
    ['cline-server', 'cline', 'user', { disabled: true }],
    ['roo-server', 'roo-code', 'user', { command: 'npx' }],
    ['cursor-remote', 'cursor', 'user', { transport: 'sse' }],
    [
      'windsurf-remote',
      'windsurf',
      'user',
      { transport: 'http', url: 'https://windsurf.example/mcp' },
    ],
    ['kiro-server', 'kiro', 'user', { command: 'uvx' }],
    ['trae-server', 'trae', 'user', { command: 'npx' }],
    [
      'gemini-sse',
      'gemini-cli',
      'user',
      { transport: 'sse', url: 'http://localhost:9000/events' },
    ],
    [
      'gemini-http',
      'gemini-cli',
      'user',
      {
        transport: 'http',
        url: 'https://gemini.example/mcp',
        headerNames: ['X-API-Key'],
      },
    ],
    ['antigravity-server', 'antigravity', 'user', { command: 'npx' }],
    ['github', 'codex', 'user', { command: 'npx', envNames: ['GITHUB_TOKEN'] }],
    [
      'figma',
      'codex',
      'user',
      { transport: 'http', url: 'https://mcp.figma.com/mcp' },
    ],
    [
      'opencode-local',
      'opencode',
      'user',
      { transport: 'stdio', command: 'bunx', envNames: ['TOKEN'] },
    ],
    [
      'opencode-remote',
      'opencode',
      'user',
      { transport: 'http', url: 'https://opencode.example/mcp' },
    ],
    ['amp-cli-server', 'amp', 'user', { command: 'npx' }],
    [
      'q-server',
      'amazon-q',
      'user',
      { command: 'uvx', envNames: ['AWS_ACCESS_KEY_ID'] },
    ],
    [
      'SQLite',
      'continue',
      'user',
      { command: 'npx', args: ['-y', 'mcp-sqlite', '/home/dana/db.sqlite'] },
    ],
    [
      'Remote',
      'continue',
      'user',
      { transport: 'http', url: 'https://continue.example/mcp' },
    ],
    ['github', 'goose', 'user', { command: 'npx', envNames: ['GITHUB_TOKEN'] }],
    ['remote', 'goose', 'user', { transport: 'sse', disabled: true }],
    [
      'zed-old',
      'zed',
      'user',
      { command: 'npx', args: ['zed-mcp'], envNames: ['KEY'] },
    ],
    ['zed-new', 'zed', 'user', { command: 'uvx', args: ['zed-new-mcp'] }],
    ['lmstudio-server', 'lm-studio', 'user', { command: 'npx' }],
    ['copilot-server', 'copilot-cli', 'user', { command: 'npx' }],
    [
      'project-claude',
      'claude-code',
      'project',
      { envNames: ['OPENAI_API_KEY'] },
    ],
    ['project-vscode', 'vscode', 'project', { command: 'node' }],
    ['project-cursor', 'cursor', 'project', { command: 'python' }],
    ['devcontainer-server', 'vscode', 'project', { command: 'npx' }],
    ['project-roo', 'roo-code', 'project', { command: 'npx' }],
    ['project-continue', 'continue', 'project', { command: 'npx' }],
    [
      'project-opencode',
      'opencode',
      'project',
      { command: 'npx', args: ['oc-mcp'] },
    ],
    ['project-zed', 'zed', 'project', { command: 'npx' }],
    ['project-generic', 'generic', 'project', { command: 'npx' }],
    ['project-dotmcp', 'generic', 'project', { transport: 'http' }],
    ['project-codex', 'codex', 'project', { command: 'uvx' }],
    ['project-gemini', 'gemini-cli', 'project', { command: 'npx' }],
    ['project-q', 'amazon-q', 'project', { command: 'npx' }],
    ['project-kiro', 'kiro', 'project', { command: 'npx' }],
    ['project-trae', 'trae', 'project', { command: 'npx' }],
  ];

  it.each(EXPECTED_CONFIG_ENTRIES)(
    'finds %s of %s (%s scope)',
    (serverName, client, scope, fields) => {
      const found = byName(result.report.detections, serverName).filter(
        d => d.source === 'config' && d.client === client,
      ) as ConfigDetection[];
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        source: 'config',
        client,
        serverName,
        scope,
        ...fields,
      });
      expect(path.isAbsolute(found[0].configPath)).toBe(true);
      expect(fs.existsSync(found[0].configPath)).toBe(true);
      expect(found[0].compositeId).toMatch(COMPOSITE_ID_PATTERN);
    },
  );

  it('reports nothing it did not find: no skipped folders, no built-in Goose extensions', () => {
    const names = result.report.detections.map((d: Detection) => d.serverName);
    expect(
      names.filter((n: string) => n.startsWith('must-not-appear')),
    ).toEqual([]);
    expect(names).not.toContain('developer');
    const found = result.report.detections
      .filter((d: Detection) => d.source === 'config')
      .map((d: ConfigDetection) => `${d.client}:${d.serverName}`)
      .sort();
    expect(found).toEqual(
      EXPECTED_CONFIG_ENTRIES.map(([n, c]) => `${c}:${n}`).sort(),
    );
  });

  it('finds MCP servers being built, by their manifests, and nothing else', () => {
    const manifests = result.report.detections.filter(
      (d: Detection) => d.source === 'manifest',
    );
    expect(
      manifests
        .map((m: any) => [m.serverName, m.manifestKind, m.packageId, m.version])
        .sort(),
    ).toEqual([
      ['@acme/node-mcp', 'package.json', 'npm:@acme/node-mcp', '0.9.0'],
      ['acme-bundle', 'mcpb', undefined, '0.4.0'],
      ['acme-fast', 'pyproject', 'pypi:acme-fast', '1.0'],
      ['acme-py-mcp', 'pyproject', 'pypi:acme-py-mcp', '0.2.0'],
      [
        'io.github.acme/weather',
        'server.json',
        'npm:@acme/weather-mcp',
        '1.2.0',
      ],
    ]);
  });

  it('never prints a planted secret, in JSON or in the table', async () => {
    const table = await (async () => {
      let out = '';
      await runCli(
        [
          'scan',
          '--format',
          'table',
          '--home',
          home,
          '--platform',
          'linux',
          '--managed-dir',
          managed,
          '--root',
          projects,
          '--no-processes',
          '--no-ports',
        ],
        {
          stdout: t => (out += t),
          stderr: t => (out += t),
          env: { MCPEEKER_HOST_ID_SALT: SALT },
        },
      );
      return out;
    })();
    for (const [name, secret] of Object.entries(PLANTED)) {
      expect({
        name,
        inJson: result.stdout.includes(secret),
        inTable: table.includes(secret),
      }).toEqual({ name, inJson: false, inTable: false });
    }
    expect(result.stdout).toContain('[redacted:');
    expect(table).toContain('SERVER');
  });

  it('gives the same server the same composite id on every scan, and hashes the host', async () => {
    const again = await scan([
      '--home',
      home,
      '--platform',
      'linux',
      '--managed-dir',
      managed,
      '--root',
      projects,
      '--no-processes',
      '--no-ports',
    ]);
    const ids = (r: any) =>
      r.detections.map((d: Detection) => d.compositeId).sort();
    expect(ids(again.report)).toEqual(ids(result.report));
    const hostId = readHostId();
    expect(result.report.host.idHash).toBe(hashIdentifier(hostId, SALT));
    expect(result.stdout).not.toContain(hostId);
  });
});

describe('mcpeeker-agent scan: macOS and Windows locations', () => {
  it('reads macOS Application Support and XDG folders', async () => {
    const home = makeTempDir();
    write(
      home,
      'Library/Application Support/Claude/claude_desktop_config.json',
      { mcpServers: { mac: { command: 'npx', args: ['mac-mcp'] } } },
    );
    write(home, 'Library/Application Support/Code/User/mcp.json', {
      servers: { 'mac-code': { command: 'npx', args: ['c'] } },
    });
    write(home, '.config/zed/settings.json', {
      context_servers: { 'mac-zed': { command: 'npx', args: ['z'] } },
    });
    write(home, '.config/Claude/claude_desktop_config.json', {
      mcpServers: { 'linux-only': { command: 'x' } },
    });
    const { report } = await scan(['--home', home, '--platform', 'darwin']);
    expect(
      report.detections
        .map((d: ConfigDetection) => `${d.client}:${d.serverName}`)
        .sort(),
    ).toEqual(['claude-desktop:mac', 'vscode:mac-code', 'zed:mac-zed']);
  });

  it('reads %APPDATA% (home/AppData/Roaming) on Windows', async () => {
    const home = makeTempDir();
    write(home, 'AppData/Roaming/Claude/claude_desktop_config.json', {
      mcpServers: { win: { command: 'npx.cmd', args: ['win-mcp'] } },
    });
    write(home, 'AppData/Roaming/Code/User/mcp.json', {
      servers: { 'win-code': { command: 'node', args: ['s.js'] } },
    });
    write(home, 'AppData/Roaming/Zed/settings.json', {
      context_servers: { 'win-zed': { command: 'npx', args: ['z'] } },
    });
    write(
      home,
      'AppData/Roaming/Block/goose/config/config.yaml',
      'extensions:\n  g:\n    type: stdio\n    cmd: uvx\n    args: [g]\n',
    );
    write(home, '.cursor/mcp.json', {
      mcpServers: { 'win-cursor': { command: 'npx', args: ['c'] } },
    });
    // opencode reads %USERPROFILE%\.config\opencode when it exists, and %APPDATA%\opencode.
    write(home, '.config/opencode/opencode.json', {
      mcp: { 'oc-profile': { type: 'local', command: ['npx', 'o'] } },
    });
    write(home, 'AppData/Roaming/opencode/opencode.jsonc', {
      mcp: { 'oc-appdata': { type: 'remote', url: 'https://o.example/mcp' } },
    });
    const { report } = await scan(['--home', home, '--platform', 'win32']);
    expect(
      report.detections
        .map((d: ConfigDetection) => `${d.client}:${d.serverName}`)
        .sort(),
    ).toEqual([
      'claude-desktop:win',
      'cursor:win-cursor',
      'goose:g',
      'opencode:oc-appdata',
      'opencode:oc-profile',
      'vscode:win-code',
      'zed:win-zed',
    ]);
  });
});

describe('mcpeeker-agent scan: bad input is reported, never fatal', () => {
  const home = makeTempDir();
  write(
    home,
    '.cursor/mcp.json',
    '{ "mcpServers": { "broken": { "command": "npx", ',
  );
  write(home, '.gemini/settings.json', { mcpServers: ['not', 'an', 'object'] });
  write(home, '.kiro/settings/mcp.json', {
    mcpServers: {
      'no-command': { args: ['x'] },
      'wrong-type': 42,
      good: { command: 'npx', args: ['ok'] },
    },
  });
  write(home, '.codex/config.toml', '[mcp_servers.x\ncommand = ');
  write(
    home,
    '.continue/config.yaml',
    'mcpServers:\n  - name: a\n    command: [unclosed\n',
  );
  const big = write(home, '.lmstudio/mcp.json', '');
  fs.truncateSync(big, 50 * 1024 * 1024);
  fs.mkdirSync(path.join(home, '.copilot'), { recursive: true });
  fs.symlinkSync(
    'mcp-config.json',
    path.join(home, '.copilot', 'mcp-config.json'),
  );
  const loopRoot = makeTempDir();
  fs.mkdirSync(path.join(loopRoot, 'a'));
  fs.symlinkSync('..', path.join(loopRoot, 'a', 'up'));
  write(loopRoot, 'a/.mcp.json', {
    mcpServers: { 'beside-a-loop': { command: 'npx' } },
  });

  it('lists each bad file with a reason and keeps the good entries', async () => {
    const { code, report } = await scan([
      '--home',
      home,
      '--platform',
      'linux',
      '--root',
      loopRoot,
      '--no-processes',
      '--no-ports',
    ]);
    expect(code).toBe(0);
    const errors = Object.fromEntries(
      report.errors.map((e: any) => [path.relative(home, e.path), e.message]),
    );
    expect(errors).toMatchObject({
      '.cursor/mcp.json': expect.stringMatching(
        /cannot be parsed as JSON: invalid JSON at line 1/,
      ),
      '.gemini/settings.json':
        'mcpServers is an array, expected an object of servers',
      '.codex/config.toml': expect.stringMatching(/cannot be parsed as TOML/),
      '.continue/config.yaml': expect.stringMatching(
        /cannot be parsed as YAML/,
      ),
      '.lmstudio/mcp.json':
        'is 50.0 MB, larger than the 10 MB a config file may be; not read',
      '.copilot/mcp-config.json': 'is a symbolic link loop',
    });
    expect(
      report.errors
        .filter((e: any) => e.path.endsWith('.kiro/settings/mcp.json'))
        .map((e: any) => e.message)
        .sort(),
    ).toEqual([
      "server 'no-command': has neither a command nor a url",
      "server 'wrong-type': entry is number, expected an object",
    ]);
    expect(
      report.detections.map((d: Detection) => d.serverName).sort(),
    ).toEqual(['beside-a-loop', 'good']);
  });

  it('reports a file it may not read', async () => {
    const dir = makeTempDir();
    const file = write(dir, '.cursor/mcp.json', {
      mcpServers: { hidden: { command: 'npx' } },
    });
    fs.chmodSync(file, 0o000);
    fs.chmodSync(dir, 0o755);
    const bin = path.resolve(__dirname, '../../bin/mcpeeker-agent');
    const asRoot = process.getuid?.() === 0;
    // root reads anything: run the real CLI as an unprivileged user instead.
    const cmd = asRoot
      ? (['runuser', ['-u', 'nobody', '--', process.execPath, bin]] as const)
      : ([process.execPath, [bin]] as const);
    if (asRoot) {
      const root = path.resolve(__dirname, '../../../..');
      execFileSync('chmod', ['-R', 'a+rX', path.join(root, 'node_modules')], {
        stdio: 'ignore',
      });
      // The checkout (or node) may sit under a private directory, such as a
      // clean clone in mktemp -d: let nobody pass through, nothing more.
      for (const start of [root, path.dirname(process.execPath)]) {
        for (let d = start; d !== path.dirname(d); d = path.dirname(d))
          fs.chmodSync(d, fs.statSync(d).mode | 0o111);
      }
    }
    const run = spawnSync(
      cmd[0],
      [
        ...cmd[1],
        'scan',
        '--format',
        'json',
        '--home',
        dir,
        '--platform',
        'linux',
        '--no-processes',
        '--no-ports',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, MCPEEKER_HOST_ID_SALT: SALT },
      },
    );
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).errors).toEqual([
      { path: file, message: 'cannot be read: permission denied' },
    ]);
  });
});

describe('mcpeeker-agent scan: usage errors', () => {
  it.each([
    [
      ['--platform', 'beos'],
      "--platform must be linux, darwin or win32, got 'beos'",
    ],
    [['--format', 'xml'], "--format must be table, json or sarif, got 'xml'"],
    [
      ['--home', '/definitely/not/here'],
      '--home /definitely/not/here: no such directory',
    ],
    [['--root'], "option '--root' needs a value"],
    [['--verbose'], "unknown option '--verbose' for scan"],
  ])('%j exits 2 saying what is wrong', async (args, message) => {
    const { code, stderr } = await scan(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toContain(`mcpeeker-agent: ${message}`);
  });
});
