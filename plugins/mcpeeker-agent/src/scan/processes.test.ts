import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { COMPOSITE_ID_PATTERN } from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir } from '../__testUtils__/fixtures';
import {
  classifyProcesses,
  parsePsOutput,
  parseWin32ProcessJson,
} from './processes';
import { scanProcesses, toProcessDetections } from './scanProcesses';
import { scanEndpoint } from './scanEndpoint';

const SALT = 'process-test-salt-0123456789';
const HOST = 'a'.repeat(64);

// A macOS `ps -axww -o pid=,ppid=,args=` listing, recorded.
const PS_OUTPUT = `
    1     0 /sbin/launchd
  501     1 /Applications/Claude.app/Contents/MacOS/Claude
  610   501 /Applications/Claude.app/Contents/Frameworks/Claude Helper.app/Contents/MacOS/Claude Helper --type=utility
  611   501 /usr/local/bin/node /Users/dana/.npm/_npx/abc/node_modules/.bin/mcp-server-github
  612   501 npx -y mcp-remote https://mcp.linear.app/sse --header Authorization:Bearer-abcdef0123456789abcdef
  700     1 /Applications/Cursor.app/Contents/MacOS/Cursor
  701   700 uvx mcp-server-time --local-timezone Europe/Paris
  702   700 docker run -i --rm -e GITHUB_TOKEN mcp/github
  800     1 node /Users/dana/code/webapp/server.js --port 3000
  801     1 grep mcp-server
  802     1 /bin/zsh -c npx @modelcontextprotocol/server-filesystem /tmp
  900     1 docker mcp gateway run
  901     1 python -m mcpgateway.translate --stdio "uvx mcp-server-git" --port 9000
  902     1 thv run fetch
  903     1 uv run --with fastmcp fastmcp run server.py
`;

// PowerShell Win32_Process listing, recorded.
const WIN_JSON = JSON.stringify([
  { ProcessId: 4, ParentProcessId: 0, Name: 'System', CommandLine: null },
  {
    ProcessId: 1200,
    ParentProcessId: 900,
    Name: 'Code.exe',
    CommandLine: '"C:\\Program Files\\Microsoft VS Code\\Code.exe"',
  },
  {
    ProcessId: 1300,
    ParentProcessId: 1200,
    Name: 'node.exe',
    CommandLine:
      '"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\dana\\AppData\\Roaming\\npm\\node_modules\\@modelcontextprotocol\\server-everything\\dist\\index.js"',
  },
  {
    ProcessId: 1400,
    ParentProcessId: 900,
    Name: 'node.exe',
    CommandLine: 'node.exe C:\\code\\app\\index.js',
  },
]);

describe('classifyProcesses', () => {
  it('recognises MCP servers, bridges and gateways in a macOS listing, and who started them', () => {
    const found = classifyProcesses(parsePsOutput(PS_OUTPUT));
    expect(
      found.map(f => [
        f.pid,
        f.reason,
        f.parentClient ?? null,
        f.launcher ?? null,
      ]),
    ).toEqual([
      [611, 'mcp-server-* package', 'claude-desktop', 'node'],
      [612, 'mcp-remote bridge', 'claude-desktop', 'npx'],
      [701, 'mcp-server-* package', 'cursor', 'uvx'],
      [702, 'mcp/* container image', 'cursor', 'docker run'],
      [900, 'Docker MCP gateway', null, 'docker run'],
      [901, 'MCP gateway translate bridge', null, 'python'],
      [902, 'ToolHive', null, null],
      [903, 'MCP SDK runner', null, 'uv'],
    ]);
    expect(found.find(f => f.pid === 612)).toMatchObject({
      confidence: 0.95,
      transport: 'stdio',
    });
  });

  it('reads a Windows PowerShell listing', () => {
    const found = classifyProcesses(parseWin32ProcessJson(WIN_JSON));
    expect(found).toEqual([
      expect.objectContaining({
        pid: 1300,
        parentClient: 'vscode',
        launcher: 'node',
        confidence: 0.95,
        reason: 'reference MCP server package',
      }),
    ]);
  });

  it('redacts secrets in the arguments it reports', () => {
    const detections = toProcessDetections(
      classifyProcesses(parsePsOutput(PS_OUTPUT)),
      { hostIdHash: HOST, salt: SALT },
    );
    const bridge = detections.find(d => d.pid === 612)!;
    expect(JSON.stringify(detections)).not.toContain(
      'Bearer-abcdef0123456789abcdef',
    );
    expect(bridge.args).toEqual([
      '-y',
      'mcp-remote',
      'https://mcp.linear.app/sse',
      '--header',
      expect.stringMatching(/^Authorization: \[redacted:[0-9a-f]{12}\]$/),
    ]);
    expect(bridge.compositeId).toMatch(COMPOSITE_ID_PATTERN);
  });
});

describe('scanProcesses on this machine', () => {
  let client: ChildProcess | undefined;

  /**
   * A client stand-in: a script named `cursor` that starts the stdio server
   * as Cursor would. Resolves with the server's stderr once it says it is
   * listening on stdio.
   */
  async function startAsCursor(server: string, dir: string): Promise<string> {
    const script = path.join(dir, 'cursor');
    fs.writeFileSync(
      script,
      `#!/bin/sh\n"${process.execPath}" "${server}" "${dir}"\n`,
      { mode: 0o755 },
    );
    client = spawn(script, [], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    client.stderr!.on('data', d => (stderr += d));
    for (let i = 0; i < 100 && !/running on stdio/i.test(stderr); i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    return stderr;
  }
  afterEach(() => {
    if (client?.pid) {
      try {
        process.kill(-client.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });

  it('finds a real stdio MCP server and the client that started it', async () => {
    const dir = makeTempDir();
    const server = require.resolve(
      '@modelcontextprotocol/server-filesystem/dist/index.js',
    );
    const stderr = await startAsCursor(server, dir);
    expect(stderr).toMatch(/running on stdio/i);

    const result = await scanProcesses({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
    });
    expect('detections' in result).toBe(true);
    const detections = 'detections' in result ? result.detections : [];
    expect(detections.filter(d => d.args.includes(server))).toEqual([
      expect.objectContaining({
        source: 'process',
        command: process.execPath,
        args: [server, dir],
        confidence: 0.95,
        launcher: 'node',
        parentClient: 'cursor',
        compositeId: expect.stringMatching(COMPOSITE_ID_PATTERN),
      }),
    ]);
  });

  it('links a running server to the config entry that starts it', async () => {
    const dir = makeTempDir();
    const server = require.resolve(
      '@modelcontextprotocol/server-filesystem/dist/index.js',
    );
    fs.mkdirSync(path.join(dir, '.cursor'));
    fs.writeFileSync(
      path.join(dir, '.cursor', 'mcp.json'),
      JSON.stringify({
        mcpServers: {
          files: { command: process.execPath, args: [server, dir] },
        },
      }),
    );
    await startAsCursor(server, dir);
    const report = await scanEndpoint({
      platform: 'linux',
      hostIdHash: HOST,
      salt: SALT,
      home: dir,
      env: {},
      roots: [],
      processes: true,
      ports: false,
    });
    const running = report.detections.filter(
      d => d.source === 'process' && d.args.includes(dir),
    );
    expect(running).toEqual([
      expect.objectContaining({
        parentClient: 'cursor',
        configRef: {
          client: 'cursor',
          serverName: 'files',
          configPath: path.join(dir, '.cursor', 'mcp.json'),
        },
      }),
    ]);
  });

  it('does not list processes of another platform than the running one', async () => {
    expect(
      await scanProcesses({ platform: 'win32', hostIdHash: HOST, salt: SALT }),
    ).toEqual({
      skipped: 'processes are only listed for the running OS (linux)',
    });
  });
});
