import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './cli';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
  });
  return { code, stdout, stderr };
}

describe('mcpeeker-agent', () => {
  it('prints its usage', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: mcpeeker-agent <command>');
  });

  it("prints that command's section for a command's --help, not every command's", async () => {
    const all = (await run(['--help'])).stdout;
    for (const [command, option] of [
      ['scan', '--fail-on'],
      ['run', '--once'],
      ['enrol', '--secret'],
      ['gateway', '--follow'],
      ['network', '--zeek'],
      ['policy', '--deny-others'],
      ['registry-snapshot', '--from'],
    ]) {
      const { code, stdout, stderr } = await run([command, '--help']);
      expect([code, stderr]).toEqual([0, '']);
      expect(stdout).toMatch(
        new RegExp(`^Usage: mcpeeker-agent ${command} \\[options\\]\n`),
      );
      expect(stdout).toContain(`Options of ${command}`);
      expect(stdout).toContain(option);
      // Only this command's options: no other command's section.
      expect(stdout.match(/^Options of [\w-]+/gm)).toEqual([
        `Options of ${command}`,
      ]);
      // --help alone still prints every section.
      expect(all).toContain(`Options of ${command}`);
    }
    const runHelp = (await run(['run', '-h'])).stdout;
    for (const option of ['--config FILE', '--once', '--system-root DIR'])
      expect(runHelp).toContain(`\n  ${option}`);
    expect(runHelp.split('\n').length).toBeLessThan(30);
    expect(all.split('\n').length).toBeGreaterThan(100);
  });

  it('run takes the same --system-root as scan and policy, and names what is wrong with it, then where its options are', async () => {
    const missing = path.join(os.tmpdir(), 'mcpeeker-no-such-root');
    for (const command of ['scan', 'run', 'policy']) {
      const { code, stdout, stderr } = await run([
        command,
        '--system-root',
        missing,
      ]);
      expect([code, stdout]).toEqual([2, '']);
      // The error and a one-line pointer to the help, not the whole usage.
      expect(stderr).toBe(
        `mcpeeker-agent: --system-root ${missing}: no such directory\nRun 'mcpeeker-agent ${command} --help' for its options.\n`,
      );
    }
    expect((await run(['run', '--frobnicate'])).stderr).toBe(
      "mcpeeker-agent: unknown option '--frobnicate' for run\nRun 'mcpeeker-agent run --help' for its options.\n",
    );
  });

  it('says every bad option of every command the same way: the error, then one line pointing to its help', async () => {
    for (const args of [
      ['scan', '--format', 'xml'],
      ['scan', '--root'],
      ['run', '--config'],
      ['enrol', '--nope'],
      ['gateway', '--format', 'yaml'],
      ['network', '--frobnicate'],
      ['policy', '--frobnicate'],
      ['registry-snapshot', '--date', 'tomorrow'],
    ]) {
      const { code, stderr } = await run(args);
      expect(code).toBe(2);
      const lines = stderr.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^mcpeeker-agent: \S/);
      expect(lines[1]).toBe(
        `Run 'mcpeeker-agent ${args[0]} --help' for its options.`,
      );
      expect(lines[2]).toBe('');
      expect(stderr).not.toContain('Usage:');
    }
  });

  it('names an unknown command, exits 2 and points to the list of commands', async () => {
    const { code, stderr } = await run(['scna', '--home', '/tmp']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "mcpeeker-agent: unknown command 'scna' (with --home /tmp)\nRun 'mcpeeker-agent --help' for the commands.\n",
    );
    expect((await run(['--frobnicate'])).stderr).toContain(
      "unknown option '--frobnicate'",
    );
  });

  it('runs from the checkout through its bin script', () => {
    const bin = path.resolve(__dirname, '../bin/mcpeeker-agent');
    const result = spawnSync(process.execPath, [bin, 'version'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^mcpeeker-agent \d+\.\d+\.\d+ \(event schema 1\.0\)\n$/,
    );
    expect(result.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'nope'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
  });
});

describe('the single-file bundle', () => {
  // Built once, as `yarn workspace @mcpeeker/mcpeeker-agent bundle` does.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-bundle-'));
  const bundle = path.join(dir, 'mcpeeker-agent.cjs');
  let built: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    built = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../scripts/bundle.mjs'), bundle],
      { encoding: 'utf8' },
    );
  });

  it('runs a scan with nothing but node', () => {
    expect(built.status).toBe(0);
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.cursor'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.cursor', 'mcp.json'),
      JSON.stringify({
        mcpServers: {
          s: {
            command: 'npx',
            args: ['x', '--token', 'ghp_bundleSecret0123456789abcdefABCDEF'],
          },
        },
      }),
    );
    const scanned = spawnSync(
      process.execPath,
      [
        bundle,
        'scan',
        '--format',
        'json',
        '--home',
        home,
        '--platform',
        'linux',
        // This machine's own processes and ports are not the test's: an MCP
        // server someone runs here must not change what it expects.
        '--no-processes',
        '--no-ports',
      ],
      {
        encoding: 'utf8',
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          MCPEEKER_HOST_ID_SALT: 'bundle-test-salt-0123',
        },
      },
    );
    expect(scanned.status).toBe(0);
    expect(JSON.parse(scanned.stdout).detections).toEqual([
      expect.objectContaining({
        client: 'cursor',
        serverName: 's',
        args: ['x', '--token', expect.stringMatching(/^\[redacted:/)],
      }),
    ]);
    expect(scanned.stdout).not.toContain('ghp_bundleSecret');
  });

  it('waits out a port that accepts and never answers, and still prints its report', async () => {
    expect(built.status).toBe(0);
    const sockets: net.Socket[] = [];
    const silent = net.createServer(socket => sockets.push(socket));
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const scanned = await new Promise<{
        code: number | null;
        stdout: string;
      }>(resolve => {
        const child = spawn(
          process.execPath,
          [
            bundle,
            'scan',
            '--format',
            'json',
            '--home',
            dir,
            '--no-processes',
            '--ports',
            String(port),
          ],
          {
            env: {
              PATH: process.env.PATH,
              MCPEEKER_HOST_ID_SALT: 'bundle-test-salt-0123',
            },
          },
        );
        let stdout = '';
        child.stdout.on('data', d => (stdout += d));
        child.on('exit', code => resolve({ code, stdout }));
      });
      expect(scanned.code).toBe(0);
      expect(JSON.parse(scanned.stdout)).toMatchObject({
        detections: [],
        skipped: [],
      });
    } finally {
      sockets.forEach(s => s.destroy());
      silent.close();
    }
  });
});
