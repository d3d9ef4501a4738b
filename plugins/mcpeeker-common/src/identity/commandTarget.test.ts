import { commandTarget } from './commandTarget';

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
