import { serverNameFromCommand, commandTarget } from './commandTarget';

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
