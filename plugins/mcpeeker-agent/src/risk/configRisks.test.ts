import fs from 'node:fs';
import path from 'node:path';
import type { RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../cli';
import { settleFacts } from './configRisks';
import { riskFact } from './riskFact';
import { makeTempDir, write } from '../__testUtils__/fixtures';
// The redaction corpus makes real-looking secrets at run time; it is
// test-only, no export of the package: read from its source.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  SECRET_FORMATS,
  secretSamples,
} from '@mcpeeker/plugin-mcpeeker-common/src/redaction/secretCorpus';
import type { ConfigDetection } from '../scan/scanConfigs';

const SALT = 'risk-test-salt-0123456789';
const secret = (id: string, n = 0) =>
  secretSamples(SECRET_FORMATS.find(f => f.id === id)!, n + 1)[n].value;
const DIGEST = `sha256:${'4f3c'.repeat(16)}`;

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env: { MCPEEKER_HOST_ID_SALT: SALT },
  });
  return { code, stdout, stderr };
}

/**
 * One repository with every client's project config: each server carries
 * one risk, several, or a look-alike that must not fire. A registry
 * export (the registry API's `{ servers: [...] }`) names the packages and
 * the remote host the registry knows.
 */
function buildRepository() {
  const repo = makeTempDir('mcpeeker-risk-');
  const fs8 = '@modelcontextprotocol/server-filesystem@2025.8.21';
  const files = {
    claude: write(repo, '.mcp.json', {
      mcpServers: {
        'fs-root': { command: 'npx', args: ['-y', fs8, '/'] },
        'fs-home': { command: 'npx', args: ['-y', fs8, '~'] },
        'fs-drive': { command: 'npx.cmd', args: ['-y', fs8, 'C:\\'] },
        'fs-project': {
          command: 'npx',
          // A '/' inside a URL and a base path are no filesystem root.
          args: [
            '-y',
            fs8,
            '/home/dana/projects/acme',
            '--base-path',
            '/',
            'https://docs.acme.dev/',
          ],
        },
        github: {
          command: 'docker',
          args: [
            'run',
            '-i',
            '--rm',
            '--privileged',
            '--net=host',
            '-v',
            '/var/run/docker.sock:/var/run/docker.sock',
            '--mount',
            'type=bind,source=/,target=/host',
            '-e',
            'GITHUB_PERSONAL_ACCESS_TOKEN',
            'ghcr.io/github/github-mcp-server:latest',
          ],
          env: { GITHUB_PERSONAL_ACCESS_TOKEN: secret('github-token') },
        },
        'github-pinned': {
          command: 'docker',
          args: [
            'run',
            '-i',
            '--rm',
            '-e',
            'GITHUB_PERSONAL_ACCESS_TOKEN',
            `ghcr.io/github/github-mcp-server@${DIGEST}`,
          ],
          env: {
            GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_PERSONAL_ACCESS_TOKEN}',
          },
        },
        unknown: { command: 'npx', args: ['-y', 'acme-mcp-helper@1.0.0'] },
      },
    }),
    claudeSettings: write(repo, '.claude/settings.json', {
      permissions: { allow: ['Bash(npm test)', 'mcp__fs-root'] },
    }),
    vscode: write(repo, '.vscode/mcp.json', {
      servers: {
        'remote-plain': {
          type: 'http',
          url: 'http://mcp.acme.dev/mcp',
          headers: { Authorization: 'Bearer ${input:acme-token}' },
        },
        'remote-local': { type: 'http', url: 'http://localhost:3000/mcp' },
        range: { command: 'npx', args: ['-y', 'airtable-mcp-server@^1.7.0'] },
        'uv-latest': { command: 'uvx', args: ['mcp-server-git'] },
        'uv-pinned': { command: 'uvx', args: ['mcp-server-git==2025.1.14'] },
        // Look-alikes: one exact release written as a range pins; ~, ^ and ~= do not.
        'range-equals': {
          command: 'npx',
          args: ['-y', 'airtable-mcp-server@=1.7.0'],
        },
        'range-coinciding': {
          command: 'npx',
          args: ['-y', 'airtable-mcp-server@>=1.7.0 <=1.7.0'],
        },
        'range-hyphen': {
          command: 'npx',
          args: ['-y', 'airtable-mcp-server@1.7.0 - 1.7.0'],
        },
        'range-tilde': {
          command: 'npx',
          args: ['-y', 'airtable-mcp-server@~1.7.0'],
        },
        'range-apart': {
          command: 'npx',
          args: ['-y', 'airtable-mcp-server@>=1.7.0 <=1.8.0'],
        },
        'uv-triple': { command: 'uvx', args: ['mcp-server-git===2025.1.14'] },
        'uv-coinciding': {
          command: 'uvx',
          args: ['mcp-server-git>=2025.1.14,<=2025.1.14'],
        },
        'uv-compatible': {
          command: 'uvx',
          args: ['mcp-server-git~=2025.1.14'],
        },
      },
    }),
    // A second project whose VS Code approves every tool.
    vscodeYolo: write(repo, 'tools/.vscode/mcp.json', {
      servers: {
        yolo: { command: 'uvx', args: ['mcp-server-git==2025.1.14'] },
      },
    }),
    vscodeYoloSettings: write(repo, 'tools/.vscode/settings.json', {
      'chat.tools.global.autoApprove': true,
    }),
    cursor: write(repo, '.cursor/mcp.json', {
      mcpServers: {
        commander: {
          command: 'npx',
          args: ['-y', '@wonderwhy-er/desktop-commander@0.2.3'],
        },
        api: {
          url: 'https://mcp.acme.dev/mcp',
          headers: { 'X-API-Key': secret('datadog-api-key') },
        },
        'api-ref': {
          url: 'https://mcp.acme.dev/mcp',
          headers: { 'X-API-Key': '${env:ACME_API_KEY}' },
        },
        query: {
          url: `https://mcp.acme.dev/mcp?api_key=${secret('openai-key')}`,
        },
      },
    }),
    cursorPermissions: write(repo, '.cursor/permissions.json', {
      mcpAllowlist: ['commander:*'],
    }),
    gemini: write(repo, '.gemini/settings.json', {
      mcpServers: {
        trusted: {
          command: 'uvx',
          args: ['mcp-server-git==2025.1.14'],
          trust: true,
        },
        careful: {
          command: 'uvx',
          args: ['mcp-server-git==2025.1.14'],
          trust: false,
        },
      },
    }),
    roo: write(repo, '.roo/mcp.json', {
      mcpServers: {
        roo: {
          command: 'uvx',
          args: ['mcp-server-git==2025.1.14'],
          alwaysAllow: ['git_status', 'git_log'],
        },
        'roo-empty': {
          command: 'uvx',
          args: ['mcp-server-git==2025.1.14'],
          alwaysAllow: [],
        },
      },
    }),
    kiro: write(repo, '.kiro/settings/mcp.json', {
      mcpServers: {
        kiro: {
          command: 'uvx',
          args: ['mcp-server-git==2025.1.14'],
          autoApprove: ['git_status'],
        },
      },
    }),
    codex: write(
      repo,
      '.codex/config.toml',
      [
        '[mcp_servers.codex-secret]',
        'command = "npx"',
        'args = ["-y", "@modelcontextprotocol/server-github"]',
        '',
        '[mcp_servers.codex-secret.env]',
        `GITHUB_PERSONAL_ACCESS_TOKEN = "${secret('github-token', 1)}"`,
        '',
      ].join('\n'),
    ),
    continue: write(
      repo,
      '.continue/mcpServers/shell.yaml',
      [
        'name: Shell',
        'mcpServers:',
        '  - name: shell',
        '    command: uvx',
        '    args:',
        '      - mcp-shell-server',
        '    env:',
        `      SLACK_BOT_TOKEN: ${secret('slack-token')}`,
        '',
      ].join('\n'),
    ),
    zed: write(repo, '.zed/settings.json', {
      agent: { tool_permissions: { default: 'allow' } },
      context_servers: {
        zed: { command: { path: 'uvx', args: ['mcp-server-git==2025.1.14'] } },
      },
    }),
    opencode: write(repo, 'opencode.json', {
      mcp: {
        'oc-lan': { type: 'remote', url: 'http://10.0.0.5:8080/mcp' },
        'oc-local': {
          type: 'local',
          command: ['uvx', 'mcp-server-git==2025.1.14'],
        },
      },
    }),
  };
  const known = (registryType: string, identifier: string) => ({
    server: {
      name: `io.github.acme/${identifier.replace(/\W+/g, '-')}`,
      description: 'known',
      version: '1.0.0',
      packages: [
        {
          registryType,
          identifier,
          version: '1.0.0',
          transport: { type: 'stdio' },
        },
      ],
    },
    _meta: {
      'io.modelcontextprotocol.registry/official': {
        publishedAt: '2026-01-15T09:00:00Z',
      },
    },
  });
  const registryExport = write(
    makeTempDir('mcpeeker-registry-'),
    'export.json',
    {
      servers: [
        known('npm', '@modelcontextprotocol/server-filesystem'),
        known('npm', '@modelcontextprotocol/server-github'),
        known('npm', 'airtable-mcp-server'),
        known('npm', '@wonderwhy-er/desktop-commander'),
        known('oci', 'ghcr.io/github/github-mcp-server:0.1.0'),
        known('pypi', 'mcp-server-git'),
        known('pypi', 'mcp_shell_server'),
        {
          server: {
            name: 'dev.acme/remote',
            description: 'remote',
            version: '1.0.0',
            remotes: [
              { type: 'streamable-http', url: 'https://mcp.acme.dev/mcp' },
            ],
          },
        },
      ],
      metadata: { count: 8 },
    },
  );
  return { repo, files, registryExport };
}

const EXPECTED: Record<string, string[]> = {
  'fs-root': ['auto-approved-tools', 'broad-filesystem'],
  'fs-home': ['broad-filesystem'],
  'fs-drive': ['broad-filesystem'],
  'fs-project': [],
  github: [
    'docker-host-network',
    'docker-privileged',
    'docker-root-mount',
    'docker-socket',
    'inline-secret',
    'unpinned-package',
  ],
  'github-pinned': [],
  unknown: ['unknown-publisher'],
  'remote-plain': ['credentials-over-http', 'plain-http-remote'],
  'remote-local': [],
  range: ['unpinned-package'],
  'uv-latest': ['unpinned-package'],
  'uv-pinned': [],
  'range-equals': [],
  'range-coinciding': [],
  'range-hyphen': [],
  'range-tilde': ['unpinned-package'],
  'range-apart': ['unpinned-package'],
  'uv-triple': [],
  'uv-coinciding': [],
  'uv-compatible': ['unpinned-package'],
  yolo: ['auto-approved-tools'],
  commander: ['auto-approved-tools', 'shell-or-code-execution'],
  api: ['inline-secret'],
  'api-ref': [],
  query: ['inline-secret'],
  trusted: ['auto-approved-tools'],
  careful: [],
  roo: ['auto-approved-tools'],
  'roo-empty': [],
  kiro: ['auto-approved-tools'],
  'codex-secret': ['inline-secret', 'unpinned-package'],
  shell: ['inline-secret', 'shell-or-code-execution', 'unpinned-package'],
  zed: ['auto-approved-tools'],
  'oc-lan': ['plain-http-remote', 'unknown-publisher'],
  'oc-local': [],
};

/** Where `needle` starts in a file: 1-based line and column. */
function positionIn(file: string, needle: string) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex(l => l.includes(needle));
  return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
}

describe('risk facts in a repository checked with scan --config', () => {
  const { repo, files, registryExport } = buildRepository();
  const snapshot = path.join(path.dirname(registryExport), 'snapshot.json');
  let detections: ConfigDetection[];
  let built: Awaited<ReturnType<typeof cli>>;
  let scanned: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    built = await cli([
      'registry-snapshot',
      '--from',
      registryExport,
      '--out',
      snapshot,
    ]);
    scanned = await cli([
      'scan',
      '--config',
      repo,
      '--format',
      'json',
      '--registry-snapshot',
      snapshot,
    ]);
    detections =
      scanned.code === 0 ? JSON.parse(scanned.stdout).detections : [];
  });

  it('checks the files against a registry snapshot built from a server.json export, dated by it', () => {
    expect(built.code).toBe(0);
    expect(built.stderr).toContain(
      'registry snapshot of 2026-01-15: 8 servers',
    );
    expect([scanned.code, scanned.stderr]).toEqual([0, '']);
    const report = JSON.parse(scanned.stdout);
    expect(report.errors).toEqual([]);
    expect(report.registrySnapshot).toMatchObject({
      date: '2026-01-15',
      servers: 8,
    });
  });

  const kindsOf = (name: string) =>
    (detections.find(d => d.serverName === name)?.risks ?? [])
      .map((f: RiskFact) => f.kind)
      .sort();

  it('finds each server of every client format, and only those', () => {
    expect(detections.map(d => d.serverName).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
  });

  it.each(Object.entries(EXPECTED))(
    '%s: %j and nothing else',
    (name, kinds) => {
      expect(kindsOf(name)).toEqual(kinds);
    },
  );

  it('locates each fact at its key in the file, in JSON, TOML and YAML', () => {
    const fact = (name: string, kind: string) =>
      detections
        .find(d => d.serverName === name)!
        .risks!.find(f => f.kind === kind)!;
    expect(fact('github', 'docker-privileged').location).toEqual({
      file: files.claude,
      jsonPath: '$.mcpServers.github.args[3]',
      ...positionIn(files.claude, '"--privileged"'),
    });
    expect(fact('github', 'inline-secret').location).toMatchObject({
      jsonPath: '$.mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN',
      ...positionIn(files.claude, '"GITHUB_PERSONAL_ACCESS_TOKEN": "'),
    });
    expect(fact('codex-secret', 'inline-secret').location).toMatchObject({
      file: files.codex,
      ...positionIn(files.codex, 'GITHUB_PERSONAL_ACCESS_TOKEN ='),
    });
    expect(fact('shell', 'inline-secret').location).toMatchObject({
      file: files.continue,
      jsonPath: '$.mcpServers[0].env.SLACK_BOT_TOKEN',
      ...positionIn(files.continue, 'SLACK_BOT_TOKEN'),
    });
    // Approval from another file points there.
    expect(fact('fs-root', 'auto-approved-tools').location).toMatchObject({
      file: files.claudeSettings,
      jsonPath: '$.permissions.allow[1]',
      ...positionIn(files.claudeSettings, '"mcp__fs-root"'),
    });
    expect(fact('commander', 'auto-approved-tools').location).toMatchObject({
      file: files.cursorPermissions,
    });
  });

  it('says what to change, in words specific to the server', () => {
    const [secretFact] = detections
      .find(d => d.serverName === 'github')!
      .risks!.filter(f => f.kind === 'inline-secret');
    expect(secretFact).toMatchObject({
      severity: 'high',
      evidence: expect.stringMatching(
        /^env GITHUB_PERSONAL_ACCESS_TOKEN holds a GitHub (token|fine-grained PAT)/,
      ),
      fix: expect.stringContaining('${GITHUB_PERSONAL_ACCESS_TOKEN}'),
    });
    expect(
      detections.find(d => d.serverName === 'range')!.risks![0],
    ).toMatchObject({
      evidence: expect.stringContaining('with the range ^1.7.0'),
      fix: expect.stringContaining('airtable-mcp-server@1.7.0;'),
    });
    // Cursor refers to the environment as ${env:NAME}.
    expect(
      detections.find(d => d.serverName === 'api')!.risks![0].fix,
    ).toContain('${env:API_X_API_KEY}');
  });
});

describe('the file of a fact as it leaves the agent', () => {
  const fileOf = (file: string) =>
    settleFacts(
      [
        riskFact('auto-approved-tools', 'every tool runs without asking', {
          location: { file },
        }),
      ],
      SALT,
    )[0].location!.file;

  it('keeps every folder of a temporary or home path, random-named ones too', () => {
    for (const file of [
      '/tmp/mcpeeker-e2e-analyst-3SUWhJ/dana/.cursor/mcp.json',
      '/var/folders/7x/k2j3lq9x1bz5g0000gn/T/mcpeeker-e2e-XyZ12a/home/.cursor/mcp.json',
    ]) {
      expect(fileOf(file)).toBe(file);
    }
  });

  it('still redacts a folder named after a key, and only that folder', () => {
    const key = secret('aws-secret-access-key').replace(/\//g, 'x');
    expect(fileOf(`/home/dana/acme-tools/${key}/config/mcp.json`)).toMatch(
      /^\/home\/dana\/acme-tools\/\[redacted:[0-9a-f]{12}\]\/config\/mcp\.json$/,
    );
  });
});

describe('unknown-publisher and the MCP project’s own servers', () => {
  it('takes the reference servers of modelcontextprotocol/servers as known, and still marks a look-alike scope or an npm namesake', async () => {
    const repo = makeTempDir('mcpeeker-reference-');
    write(repo, '.mcp.json', {
      mcpServers: {
        reference: {
          command: 'npx',
          args: [
            '-y',
            '@modelcontextprotocol/server-filesystem@2025.8.21',
            '/home/dana/projects',
          ],
        },
        fetch: { command: 'uvx', args: ['mcp-server-fetch==2025.4.7'] },
        lookalike: {
          command: 'npx',
          args: [
            '-y',
            '@modelcontextprotocol-fake/server-filesystem@2025.8.21',
            '/home/dana/projects',
          ],
        },
        namesake: {
          command: 'npx',
          args: ['-y', 'mcp-server-fetch@1.0.0'],
        },
      },
    });
    // The shipped snapshot: the registry's seed, which lists no reference server.
    const { code, stdout } = await cli(['scan', '--config', repo]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const facts = (name: string) =>
      (
        report.detections.find((d: ConfigDetection) => d.serverName === name)
          .risks ?? []
      )
        .filter((f: RiskFact) => f.kind === 'unknown-publisher')
        .map((f: RiskFact) => f.evidence);
    expect(facts('reference')).toEqual([]);
    expect(facts('fetch')).toEqual([]);
    expect(facts('lookalike')).toEqual([
      `the npm package @modelcontextprotocol-fake/server-filesystem is not in the MCP registry snapshot of ${report.registrySnapshot.date}`,
    ]);
    expect(facts('namesake')).toEqual([
      `the npm package mcp-server-fetch is not in the MCP registry snapshot of ${report.registrySnapshot.date}`,
    ]);
  });
});
