import fs from 'node:fs';
import path from 'node:path';
import { validateEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../cli';
import {
  buildClientMachine,
  expectedOn,
  PLANTED_TOKENS,
} from '../__testUtils__/clientFixtures';
import { makeTempDir, write } from '../__testUtils__/fixtures';
import { toEndpointEvents } from '../run/toEvents';
import type { Platform } from './clientTable';
import type { ConfigDetection } from './scanConfigs';

const SALT = 'agent-test-salt-0123456789';

async function scan(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    ['scan', '--format', 'json', '--no-processes', '--no-ports', ...args],
    {
      stdout: t => (stdout += t),
      stderr: t => (stderr += t),
      env: { MCPEEKER_HOST_ID_SALT: SALT },
    },
  );
  return {
    code,
    stdout,
    stderr,
    report: code === 0 ? JSON.parse(stdout) : undefined,
  };
}

const key = (d: { client: string; serverName: string; scope: string }) =>
  `${d.client}:${d.serverName}:${d.scope}`;

describe.each<[Platform]>([['linux'], ['darwin'], ['win32']])(
  'mcpeeker-agent scan: the clients of issue #17 on a %s machine',
  os => {
    const machine = buildClientMachine(makeTempDir(`mcpeeker-${os}-`), os);
    let result: Awaited<ReturnType<typeof scan>>;
    beforeAll(async () => {
      result = await scan([
        '--platform',
        os,
        '--home',
        machine.home,
        '--system-root',
        machine.system,
        '--root',
        machine.projects,
      ]);
    }, 60_000);

    it('reads every file without an error', () => {
      expect(result.code).toBe(0);
      expect(result.report.errors).toEqual([]);
    });

    it('reports exactly the servers of each client, no decoy', () => {
      const found = (result.report.detections as ConfigDetection[])
        .filter(d => d.source === 'config')
        .map(key)
        .sort();
      expect(found).toEqual(
        expectedOn(os)
          .map(e => key(e))
          .sort(),
      );
      expect(found.filter(k => /:decoy/.test(k))).toEqual([]);
    });

    it.each(expectedOn(os).map(e => [key(e), e] as const))(
      'finds %s as its file says',
      (_, expected) => {
        const [found] = (result.report.detections as ConfigDetection[]).filter(
          d => d.source === 'config' && key(d) === key(expected),
        );
        expect(found).toMatchObject(expected.fields);
        expect(fs.existsSync(found.configPath)).toBe(true);
      },
    );

    it('never prints a planted secret: args and URLs go through the redaction, env and header values are dropped', () => {
      const leaked = PLANTED_TOKENS.filter(t => result.stdout.includes(t));
      expect(leaked).toEqual([]);
      expect(result.stdout).toContain('[redacted:');
    });
  },
);

describe('mcpeeker-agent scan: the new formats and the links between files', () => {
  const machine = buildClientMachine(makeTempDir('mcpeeker-links-'), 'linux');
  let report: any;
  beforeAll(async () => {
    report = (
      await scan([
        '--platform',
        'linux',
        '--home',
        machine.home,
        '--system-root',
        machine.system,
        '--root',
        machine.projects,
      ])
    ).report;
  }, 60_000);
  const detection = (client: string, serverName: string) =>
    (report.detections as ConfigDetection[]).find(
      d =>
        d.source === 'config' &&
        d.client === client &&
        d.serverName === serverName,
    )!;

  it('finds the risk facts of a JetBrains XML entry unchanged, on the line of its entry', () => {
    const server = detection('jetbrains-ai', 'jb-github');
    const secret = server.risks?.find(r => r.kind === 'inline-secret');
    expect(secret).toMatchObject({
      severity: 'high',
      location: {
        file: server.configPath,
        line: 3,
        column: 5,
      },
    });
    expect(secret?.location).not.toHaveProperty('jsonPath');
    expect(JSON.stringify(server.risks)).not.toContain(plantedPrefix('jbenv'));
  });

  it("flags an older Kilo Code entry's alwaysAllow as auto-approved tools, at its key", () => {
    const server = detection('kilo-code', 'server1');
    expect(
      server.risks?.find(r => r.kind === 'auto-approved-tools'),
    ).toMatchObject({
      location: {
        jsonPath: '$.mcpServers.server1.alwaysAllow',
        line: expect.any(Number),
      },
    });
  });

  it('places a crushrc risk on the line of its `mcp add`', () => {
    const server = detection('crush', 'github');
    const text = fs.readFileSync(server.configPath, 'utf8');
    const line =
      text.split('\n').findIndex(l => l.startsWith('mcp add github')) + 1;
    expect(server.risks?.map(r => r.location?.line)).toEqual(
      server.risks?.map(() => line),
    );
  });

  it('links each Docker MCP Toolkit server to the MCP_DOCKER entry that reaches it, and says so in its event', () => {
    const toolkit = (report.detections as ConfigDetection[]).filter(
      d => d.client === 'docker-mcp',
    );
    expect(
      toolkit.map(d => d.via?.map(v => `${v.client}:${v.serverName}`)),
    ).toEqual(toolkit.map(() => ['claude-code:MCP_DOCKER']));
    const events = toEndpointEvents(report, { addressHashes: [] });
    const event = events.find(
      e =>
        e.detection.source === 'config' &&
        e.detection.serverName === 'github-official',
    )!;
    expect(validateEvent(event)).toMatchObject({ success: true });
    expect(event.detection).not.toHaveProperty('via');
    expect(event.evidence).toContainEqual({
      kind: 'gateway-entry',
      snippet:
        "reached through claude-code MCP_DOCKER (the Docker MCP Toolkit's gateway)",
      location: path.join(machine.home, '.claude', 'mcp.json'),
    });
    // The gateway entry and the servers behind it are different servers.
    const gateway = detection('claude-code', 'MCP_DOCKER');
    expect(toolkit.map(d => d.compositeId)).not.toContain(gateway.compositeId);
  });

  it('links only the servers a gateway entry names with --servers, none with --profile', async () => {
    const home = makeTempDir();
    write(home, '.docker/mcp/registry.yaml', 'registry:\n  a: {}\n  b: {}\n');
    write(home, '.cursor/mcp.json', {
      mcpServers: {
        only_a: {
          command: 'docker',
          args: ['mcp', 'gateway', 'run', '--servers=a'],
        },
        profile: {
          command: 'docker',
          args: ['mcp', 'gateway', 'run', '--profile', 'p'],
        },
      },
    });
    const { report: r } = await scan(['--platform', 'linux', '--home', home]);
    const via = Object.fromEntries(
      (r.detections as ConfigDetection[])
        .filter(d => d.client === 'docker-mcp')
        .map(d => [d.serverName, (d.via ?? []).map(v => v.serverName)]),
    );
    expect(via).toEqual({ a: ['only_a'], b: [] });
  });

  it('reads a Jan data folder moved elsewhere (data_folder in settings.json)', () => {
    expect(detection('jan', 'jan-moved').configPath).toBe(
      path.join(machine.home, 'jan-data', 'mcp_config.json'),
    );
  });

  it('reads every <Product><Version> folder of JetBrains and Android Studio', () => {
    const folders = (report.detections as ConfigDetection[])
      .filter(d => /[\\/](JetBrains|Google)[\\/]/.test(d.configPath))
      .map(d =>
        path
          .relative(machine.home, d.configPath)
          .split(path.sep)
          .slice(0, 3)
          .join('/'),
      );
    expect([...new Set(folders)].sort()).toEqual([
      '.config/Google/AndroidStudio2025.1.2',
      '.config/JetBrains/IntelliJIdea2026.2',
      '.config/JetBrains/PyCharm2025.1',
    ]);
  });
});

describe('mcpeeker-agent scan: bad files of the new formats are reported, never fatal', () => {
  it('names the file and what is wrong with it', async () => {
    const home = makeTempDir();
    write(
      home,
      '.config/mcphub/servers.json',
      "{ servers: { a: { command: 'x' ",
    );
    write(
      home,
      'eclipse-workspace/.metadata/.plugins/org.eclipse.core.runtime/.settings/com.microsoft.copilot.eclipse.ui.prefs',
      'mcp={ "servers": \n',
    );
    write(
      home,
      '.config/JetBrains/WebStorm2025.2/options/llm.mcpServers.xml',
      '',
    );
    write(home, '.docker/mcp/registry.yaml', 'registry: [a, b]\n');
    const { code, report } = await scan([
      '--platform',
      'linux',
      '--home',
      home,
    ]);
    expect(code).toBe(0);
    expect(
      Object.fromEntries(
        report.errors.map((e: any) => [path.relative(home, e.path), e.message]),
      ),
    ).toEqual({
      '.config/mcphub/servers.json': expect.stringMatching(
        /^cannot be parsed as JSON5: /,
      ),
      'eclipse-workspace/.metadata/.plugins/org.eclipse.core.runtime/.settings/com.microsoft.copilot.eclipse.ui.prefs':
        expect.stringMatching(
          /^preference 'mcp' is not JSON: invalid JSON at line 1/,
        ),
      '.docker/mcp/registry.yaml': 'registry is not a map of servers',
    });
    expect(report.detections).toEqual([]);
  });

  it('does not expand entities without bound in an XML file', async () => {
    const home = makeTempDir();
    const laughs = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
    ).join('');
    write(
      home,
      '.config/JetBrains/Rider2025.1/options/llm.mcpServers.xml',
      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l0 "lol">${laughs}]><application><component name="McpApplicationServerCommands"><McpServerCommand><option name="name" value="&l9;" /><option name="programPath" value="npx" /></McpServerCommand></component></application>`,
    );
    const { code, stdout } = await scan([
      '--platform',
      'linux',
      '--home',
      home,
    ]);
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(200_000);
  });
});

function plantedPrefix(tag: string) {
  return `ghp_${tag}`;
}
