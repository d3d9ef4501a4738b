import fs from 'node:fs';
import path from 'node:path';
import {
  commandSignature,
  compositeId,
  COMPOSITE_ID_PATTERN,
} from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir } from '../__testUtils__/fixtures';
import { groupServers } from './groupServers';
import { linkProcessesToConfigs } from './linkProcesses';
import {
  classifyProcesses,
  listLinuxProcesses,
  parsePsOutput,
  ProcessInfo,
} from './processes';
import type { ConfigDetection } from './scanConfigs';
import type { PortDetection } from './scanPorts';
import { ProcessDetection, toProcessDetections } from './scanProcesses';

const SALT = 'group-test-salt-0123456789';
const HOST = 'b'.repeat(64);

const processDetections = (listing: ProcessInfo[]) =>
  toProcessDetections(classifyProcesses(listing), {
    hostIdHash: HOST,
    salt: SALT,
  });
const parentsOf = (listing: ProcessInfo[]) =>
  new Map(listing.map(p => [p.pid, p.ppid]));
const port = (number: number, pid?: number): PortDetection => ({
  source: 'port',
  port: number,
  ...(pid ? { pid } : {}),
  url: `http://127.0.0.1:${number}/mcp`,
  transport: 'http',
  serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
  capabilities: ['tools'],
  tools: ['echo'],
  compositeId: compositeId({ hostIdHash: HOST, port: number }),
});
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
  compositeId: compositeId({
    hostIdHash: HOST,
    processSignature: commandSignature(command, args),
  }),
});

/** A /proc with the given processes: cmdline exactly as given (NULs and all), stat with the ppid. */
function fakeProc(
  processes: Array<{
    pid: number;
    ppid: number;
    comm: string;
    cmdline: string;
  }>,
): string {
  const dir = makeTempDir('mcpeeker-proc-');
  for (const p of processes) {
    fs.mkdirSync(path.join(dir, String(p.pid)));
    fs.writeFileSync(path.join(dir, String(p.pid), 'cmdline'), p.cmdline);
    fs.writeFileSync(
      path.join(dir, String(p.pid), 'stat'),
      `${p.pid} (${p.comm}) S ${p.ppid} ${p.pid} ${p.pid} 0 -1 4194560 0 0`,
    );
  }
  fs.mkdirSync(path.join(dir, 'self'));
  return dir;
}

describe('groupServers', () => {
  it('makes npm exec, the node server it starts and its port one server (recorded /proc)', async () => {
    // `npx -y @modelcontextprotocol/server-everything streamableHttp`, as /proc showed it:
    // npm rewrote its title, padding it with NULs to the length of its argv.
    const proc = fakeProc([
      { pid: 1, ppid: 0, comm: 'init', cmdline: '/sbin/init\0' },
      { pid: 14700, ppid: 1, comm: 'bash', cmdline: 'bash\0' },
      {
        pid: 14747,
        ppid: 14700,
        comm: 'npm exec @model',
        cmdline: `npm exec @modelcontextprotocol/server-everything streamableHttp${'\0'.repeat(
          13,
        )}`,
      },
      {
        pid: 14768,
        ppid: 14747,
        comm: 'sh',
        cmdline: "sh\0-c\0'mcp-server-everything' streamableHttp\0",
      },
      {
        pid: 14769,
        ppid: 14768,
        comm: 'node',
        cmdline:
          'node\0/work/main/node_modules/.bin/mcp-server-everything\0streamableHttp\0',
      },
    ]);
    const listing = await listLinuxProcesses(proc);
    expect(listing.find(p => p.pid === 14747)!.argv).toEqual([
      'npm',
      'exec',
      '@modelcontextprotocol/server-everything',
      'streamableHttp',
    ]);
    expect(listing.find(p => p.pid === 14768)!.argv).toEqual([
      'sh',
      '-c',
      "'mcp-server-everything' streamableHttp",
    ]);
    const processes = processDetections(listing);
    expect(
      processes.map(p => [p.pid, p.ppid, p.command, p.args, p.launcher]),
    ).toEqual([
      [
        14747,
        14700,
        'npm',
        ['exec', '@modelcontextprotocol/server-everything', 'streamableHttp'],
        'npm exec',
      ],
      [
        14769,
        14768,
        'node',
        [
          '/work/main/node_modules/.bin/mcp-server-everything',
          'streamableHttp',
        ],
        'node',
      ],
    ]);
    const detections = [...processes, port(3001, 14769)];
    const wrapperId = processes[0].compositeId;
    expect(groupServers(detections, parentsOf(listing))).toEqual([
      wrapperId,
      wrapperId,
      wrapperId,
    ]);
    expect(wrapperId).toMatch(COMPOSITE_ID_PATTERN);
  });

  it('gives a config entry, the wrapper it starts and the server below the entry’s id', () => {
    const listing = parsePsOutput(`
  700     1 /usr/share/cursor/cursor
  710   700 npx -y @modelcontextprotocol/server-github
  711   710 node /home/dana/.npm/_npx/1a2b/node_modules/.bin/mcp-server-github
  720   700 uvx mcp-server-time
  721   720 /home/dana/.local/share/uv/tools/mcp-server-time/bin/python /home/dana/.local/bin/mcp-server-time
`);
    const processes = processDetections(listing);
    const configs = [
      config('cursor', 'github', 'npx', [
        '-y',
        '@modelcontextprotocol/server-github',
      ]),
      config('claude-desktop', 'github', 'npx', [
        '-y',
        '@modelcontextprotocol/server-github',
      ]),
    ];
    linkProcessesToConfigs(processes, configs);
    // The wrapper names the entry's package; the node below it only the package's bin.
    expect(processes.map(p => p.configRef?.serverName ?? null)).toEqual([
      'github',
      null,
      null,
      null,
    ]);
    const ids = groupServers([...configs, ...processes], parentsOf(listing));
    const github = configs[0].compositeId;
    const time = processes.find(p => p.pid === 720)!.compositeId;
    expect(ids).toEqual([github, github, github, github, time, time]);
  });

  it('joins a port to the server whose child listens on it', () => {
    const listing = parsePsOutput(`
  900     1 python -m acme_mcp --http
  901   900 /usr/bin/python3 -c from multiprocessing.spawn import spawn_main
  950     1 /usr/sbin/nginx
`);
    const processes = processDetections(listing);
    expect(processes.map(p => p.pid)).toEqual([900]);
    const ids = groupServers(
      [...processes, port(8765, 901), port(8080, 950), port(9000)],
      parentsOf(listing),
    );
    expect(ids).toEqual([
      processes[0].compositeId,
      processes[0].compositeId,
      port(8080).compositeId,
      port(9000).compositeId,
    ]);
  });

  it('keeps the servers a gateway starts apart from it and from each other', () => {
    const listing = parsePsOutput(`
 1000     1 docker mcp gateway run
 1001  1000 docker run -i --rm mcp/github
 1002  1000 docker run -i --rm mcp/time
 1100     1 uvx mcp-server-fetch
 1101  1100 /home/dana/.local/share/uv/tools/mcp-server-fetch/bin/python -m mcp_server_fetch
 1102  1100 /home/dana/.local/share/uv/tools/mcp-server-fetch/bin/python -m mcp_server_fetch
`);
    const processes = processDetections(listing);
    const ids = groupServers(processes, parentsOf(listing));
    const own = processes.map(p => p.compositeId);
    expect(ids.slice(0, 3)).toEqual(own.slice(0, 3));
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    // Two workers of one command line are one server with their launcher.
    expect(ids.slice(3)).toEqual([own[3], own[3], own[3]]);
  });

  it('does not join config entries of different ids: each process keeps to the one its configRef names', () => {
    const bridge = config('cursor', 'git-over-http', 'npx', [
      '-y',
      'supergateway',
      '--stdio',
      'uvx mcp-server-git',
    ]);
    const git = config('claude-desktop', 'git', 'uvx', ['mcp-server-git']);
    const proc = (
      pid: number,
      ppid: number,
      argv: string[],
      configRef?: ConfigDetection,
    ): ProcessDetection => ({
      source: 'process',
      pid,
      ppid,
      command: argv[0],
      args: argv.slice(1),
      confidence: 0.9,
      reason: 'x',
      ...(configRef
        ? {
            configRef: {
              client: configRef.client,
              serverName: configRef.serverName,
              configPath: configRef.configPath,
            },
          }
        : {}),
      compositeId: compositeId({
        hostIdHash: HOST,
        processSignature: commandSignature(argv[0], argv.slice(1)),
      }),
    });
    const detections = [
      bridge,
      git,
      proc(
        1200,
        1,
        ['npx', '-y', 'supergateway', '--stdio', 'uvx mcp-server-git'],
        bridge,
      ),
      proc(1201, 1200, ['uvx', 'mcp-server-git'], git),
      proc(1202, 1201, ['python', '/uv/bin/mcp-server-git']),
      port(8000, 1200),
    ];
    expect(groupServers(detections)).toEqual([
      bridge.compositeId,
      git.compositeId,
      bridge.compositeId,
      git.compositeId,
      git.compositeId,
      bridge.compositeId,
    ]);
  });

  it('leaves detections that share nothing alone', () => {
    const listing = parsePsOutput(`
  611     1 /usr/local/bin/node /Users/dana/.npm/_npx/abc/node_modules/.bin/mcp-server-github
  612     1 npx -y mcp-remote https://mcp.linear.app/sse
`);
    const processes = processDetections(listing);
    const detections = [...processes, port(3001, 4242)];
    expect(groupServers(detections, parentsOf(listing))).toEqual(
      detections.map(d => d.compositeId),
    );
  });
});
