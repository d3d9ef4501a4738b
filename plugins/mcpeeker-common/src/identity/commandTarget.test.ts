import {
  commandPackage,
  commandTarget,
  serverNameFromCommand,
  splitPackageSpec,
} from './commandTarget';

describe('commandTarget', () => {
  it.each([
    [
      'npx',
      ['-y', '@modelcontextprotocol/server-github@2025.1.0'],
      '@modelcontextprotocol/server-github',
    ],
    ['npx.cmd', ['-y', 'mcp-remote@latest', 'https://x'], 'mcp-remote'],
    [
      'npm',
      ['exec', '@modelcontextprotocol/server-everything', 'streamableHttp'],
      '@modelcontextprotocol/server-everything',
    ],
    ['npm', ['x', '--yes', 'acme-mcp@2'], 'acme-mcp'],
    ['/usr/bin/npm', ['start'], 'npm'],
    ['pnpm', ['dlx', '@acme/mcp-server'], '@acme/mcp-server'],
    ['uvx', ['mcp-server-time', '--local-timezone', 'UTC'], 'mcp-server-time'],
    ['uvx', ['mcp-server-fetch@0.6.2'], 'mcp-server-fetch'],
    ['pipx', ['run', 'mcp-server-git==1.0'], 'mcp-server-git'],
    [
      'docker',
      ['run', '-i', '--rm', '-e', 'TOKEN', 'mcp/github'],
      'mcp/github',
    ],
    ['python', ['-m', 'acme_mcp.server'], 'acme_mcp.server'],
    ['node', ['/opt/tools/server.js', '--port', '1'], '/opt/tools/server.js'],
    ['uv', ['run', 'acme-mcp'], 'acme-mcp'],
    ['/usr/local/bin/github-mcp-server', ['stdio'], 'github-mcp-server'],
    ['C:\\Tools\\Acme-MCP.exe', [], 'acme-mcp'],
    ['thv', ['run', 'fetch'], 'thv'],
  ])('%s %j → %s', (command, args, target) => {
    expect(commandTarget(command, args as string[])).toBe(target);
  });

  it('names nothing when a launcher or runner has nothing to run', () => {
    expect(commandTarget('npx', ['-y'])).toBeUndefined();
    expect(commandTarget('node')).toBeUndefined();
    expect(commandTarget('npm', ['exec'])).toBe('npm');
  });
});

describe('serverNameFromCommand', () => {
  it.each([
    [
      ['npx', ['-y', '@modelcontextprotocol/server-github@1.2.0']],
      '@modelcontextprotocol/server-github',
    ],
    [
      [
        'node',
        [
          '/work/main/node_modules/.bin/mcp-server-everything',
          'streamableHttp',
        ],
      ],
      'mcp-server-everything',
    ],
    [['node', ['/usr/lib/node_modules/@acme/mcp/dist/index.js']], '@acme/mcp'],
    [
      [
        'npm',
        ['exec', '@modelcontextprotocol/server-everything', 'streamableHttp'],
      ],
      '@modelcontextprotocol/server-everything',
    ],
    [
      [
        'docker',
        ['run', '-i', '--rm', 'ghcr.io/github/github-mcp-server:latest'],
      ],
      'github-mcp-server',
    ],
    [['python3', ['-m', 'acme_mcp.server']], 'acme_mcp.server'],
    [['/opt/tools/weather-mcp.exe', []], 'weather-mcp'],
    [['node', ['./server.mjs']], 'server'],
  ] as Array<[[string, string[]], string]>)(
    '%j is %p',
    ([command, args], name) => {
      expect(serverNameFromCommand(command, args)).toBe(name);
    },
  );

  it('names nothing when a launcher runs nothing', () => {
    expect(serverNameFromCommand('npx', ['-y'])).toBeUndefined();
  });
});

describe('commandPackage', () => {
  it.each([
    [
      'npx',
      ['-y', '@modelcontextprotocol/server-x@1.2.3'],
      { name: '@modelcontextprotocol/server-x', version: '1.2.3' },
    ],
    ['npx', ['-y', '@acme/mcp'], { name: '@acme/mcp' }],
    ['npx', ['-y', 'mcp-remote@latest', 'https://x'], { name: 'mcp-remote' }],
    ['npx', ['acme-mcp@^1.2'], { name: 'acme-mcp' }],
    ['npm', ['x', '--yes', 'acme-mcp@2'], { name: 'acme-mcp', version: '2' }],
    [
      'pipx',
      ['run', 'mcp-server-git==1.0'],
      { name: 'mcp-server-git', version: '1.0' },
    ],
    [
      'uvx',
      ['mcp-server-fetch@0.6.2'],
      { name: 'mcp-server-fetch', version: '0.6.2' },
    ],
    ['uvx', ['mcp-server-time>=1'], { name: 'mcp-server-time' }],
  ])('%s %j → %j', (command, args, pkg) => {
    expect(commandPackage(command, args as string[])).toEqual(pkg);
  });

  it('names no package for a binary, a script or an image', () => {
    expect(
      commandPackage('/usr/local/bin/github-mcp-server', ['stdio']),
    ).toBeUndefined();
    expect(commandPackage('node', ['/opt/tools/server.js'])).toBeUndefined();
    expect(
      commandPackage('docker', ['run', '-i', 'mcp/github']),
    ).toBeUndefined();
    expect(commandPackage('npx', ['-y'])).toBeUndefined();
  });

  it('splits a spec as typed', () => {
    expect(splitPackageSpec('@scope/pkg@2025.1.0-rc.1')).toEqual({
      name: '@scope/pkg',
      version: '2025.1.0-rc.1',
    });
    expect(splitPackageSpec('@scope/pkg')).toEqual({ name: '@scope/pkg' });
  });
});
