import { linkProcessesToConfigs } from './linkProcesses';
import type { ConfigDetection } from './scanConfigs';
import type { ProcessDetection } from './scanProcesses';

const config = (
  client: string,
  serverName: string,
  command: string,
  args: string[],
): ConfigDetection => ({
  source: 'config',
  client,
  serverName,
  configPath: `/home/dana/${client}.json`,
  scope: 'user',
  transport: 'stdio',
  command,
  args,
  compositeId: 'mcp_00000000000000000000000000000000',
});
const proc = (
  pid: number,
  argv: string[],
  parentClient?: string,
): ProcessDetection => ({
  source: 'process',
  pid,
  ppid: 1,
  command: argv[0],
  args: argv.slice(1),
  confidence: 0.9,
  reason: 'x',
  ...(parentClient ? { parentClient } : {}),
  compositeId: 'mcp_00000000000000000000000000000000',
});

describe('linkProcessesToConfigs', () => {
  it('names the config entry each running server came from', () => {
    const configs = [
      config('claude-desktop', 'github', 'npx', [
        '-y',
        '@modelcontextprotocol/server-github',
      ]),
      config('cursor', 'time', 'uvx', ['mcp-server-time']),
      config('cursor', 'github-too', 'npx', [
        '-y',
        '@modelcontextprotocol/server-github',
      ]),
    ];
    const processes = [
      proc(
        1,
        [
          'node',
          '/home/dana/.npm/_npx/1a2b/node_modules/@modelcontextprotocol/server-github/dist/index.js',
        ],
        'claude-desktop',
      ),
      proc(
        2,
        [
          '/home/dana/.local/share/uv/tools/mcp-server-time/bin/python',
          '/home/dana/.local/bin/mcp-server-time',
        ],
        'cursor',
      ),
      proc(3, ['node', '/srv/unrelated-mcp-server/index.js']),
    ];
    linkProcessesToConfigs(processes, configs);
    expect(processes.map(p => p.configRef?.serverName ?? null)).toEqual([
      'github',
      'time',
      null,
    ]);
    expect(processes[0].configRef).toEqual({
      client: 'claude-desktop',
      serverName: 'github',
      configPath: '/home/dana/claude-desktop.json',
    });
  });
});
