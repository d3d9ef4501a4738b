import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import {
  RISK_KIND_IDS,
  RISK_KINDS,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { runCli } from '../cli';
import { makeTempDir, write } from '../__testUtils__/fixtures';
import { toEndpointEvents } from '../run/toEvents';
import type { ScanReport } from '../scan/scanEndpoint';
import sarifSchema from '@mcpeeker/plugin-mcpeeker-common/src/sarif/sarif-schema-2.1.0.json';
// The corpus is test-only and no export of the package: read from its source.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  SECRET_FORMATS,
  secretSamples,
} from '@mcpeeker/plugin-mcpeeker-common/src/redaction/secretCorpus';

const SALT = 'risk-output-salt-0123456789';
const BIN = path.resolve(__dirname, '../../bin/mcpeeker-agent');

async function scan(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['scan', ...args], {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env: { MCPEEKER_HOST_ID_SALT: SALT },
  });
  return { code, stdout, stderr };
}

/**
 * A project whose `.mcp.json` writes every single-line credential of the
 * redaction corpus inline: as an env value, as a flag's argument, as a
 * header (the ones that are header values) and in a URL (the ones that
 * are URLs or passwords).
 */
function plantCorpus() {
  const repo = makeTempDir('mcpeeker-risk-leak-');
  const servers: Record<string, unknown> = {};
  const planted: string[] = [];
  for (const format of SECRET_FORMATS) {
    if (format.kind === 'multiline') continue;
    const [asEnv, asArg] = secretSamples(format, 2);
    planted.push(...asEnv.randomParts, ...asArg.randomParts);
    servers[`env-${format.id}`] = {
      command: 'npx',
      args: ['-y', `${format.id}-mcp@1.0.0`],
      env: { [format.envName]: asEnv.value },
    };
    servers[`arg-${format.id}`] = {
      command: 'npx',
      args: ['-y', `${format.id}-mcp@1.0.0`, `--${format.flag}`, asArg.value],
    };
    if (format.id === 'authorization-header')
      servers[`header-${format.id}`] = {
        type: 'http',
        url: 'http://mcp.acme.dev/mcp',
        headers: { Authorization: asEnv.value },
      };
    if (format.id === 'url-basic-auth' || format.id === 'database-url')
      servers[`url-${format.id}`] = { type: 'http', url: asEnv.value };
  }
  const file = write(repo, '.mcp.json', { mcpServers: servers });
  return { repo, file, planted: planted.filter(p => p.length >= 8) };
}

describe('risk facts leave the machine without a secret', () => {
  const { file, planted } = plantCorpus();
  let report: ScanReport;
  const outputs: Record<string, string> = {};
  const runs: Array<{ code: number; stderr: string }> = [];

  beforeAll(async () => {
    for (const format of ['json', 'table', 'sarif']) {
      const result = await scan(['--config', file, '--format', format]);
      runs.push(result);
      outputs[format] = result.stdout;
    }
    report = JSON.parse(outputs.json);
    outputs.events = JSON.stringify(
      toEndpointEvents(report, { addressHashes: [] }),
    );
  });

  it('scans the file in every format without a complaint', () => {
    expect(runs.map(r => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  it('names every planted secret as an inline-secret fact', () => {
    const withSecret = report.detections.filter(
      d =>
        d.source === 'config' && d.risks?.some(f => f.kind === 'inline-secret'),
    );
    expect(
      withSecret.map(d => d.source === 'config' && d.serverName).sort(),
    ).toEqual(
      report.detections.map(d => d.source === 'config' && d.serverName).sort(),
    );
  });

  it.each(['json', 'table', 'sarif', 'events'])(
    'the %s output holds none of the planted secrets',
    output => {
      expect(planted.length).toBeGreaterThan(50);
      const leaked = planted.filter(p => outputs[output].includes(p));
      expect(leaked).toEqual([]);
    },
  );

  it('sends the facts in endpoint events the schema accepts', () => {
    const events = toEndpointEvents(report, { addressHashes: [] });
    for (const event of events) {
      expect(validateEvent(event)).toMatchObject({ success: true });
    }
    expect(
      events.some(e => (e.detection as { risks?: unknown[] }).risks?.length),
    ).toBe(true);
  });

  it('writes SARIF 2.1.0 that validates, a rule per kind and a located result per fact', () => {
    const sarif = JSON.parse(outputs.sarif);
    const ajv = new Ajv({ strict: false, validateFormats: false });
    expect(ajv.validate(sarifSchema, sarif)).toBe(true);
    expect(ajv.errors ?? []).toEqual([]);
    // The schema bites: a result without a message is not SARIF.
    const broken = JSON.parse(outputs.sarif);
    delete broken.runs[0].results[0].message;
    expect(ajv.validate(sarifSchema, broken)).toBe(false);

    const [run] = sarif.runs;
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(
      RISK_KIND_IDS.map(k => RISK_KINDS[k].sarif.id),
    );
    const facts = report.detections.flatMap(d =>
      d.source === 'config' ? d.risks ?? [] : [],
    );
    expect(run.results).toHaveLength(facts.length);
    for (const result of run.results) {
      const rule = run.tool.driver.rules[result.ruleIndex];
      expect(rule.id).toBe(result.ruleId);
      const [location] = result.locations;
      expect(location.physicalLocation.artifactLocation.uri).toMatch(
        /^file:\/\/.*\.mcp\.json$/,
      );
      expect(location.physicalLocation.region.startLine).toBeGreaterThan(1);
      expect(result.message.text).toContain('Fix: ');
    }
  });
});

describe('scan --fail-on through the real CLI', () => {
  const repo = makeTempDir('mcpeeker-risk-ci-');
  const risky = write(repo, 'risky/.cursor/mcp.json', {
    mcpServers: {
      fs: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/'],
      },
    },
  });
  const clean = write(repo, 'clean/.vscode/mcp.json', {
    servers: {
      docs: { type: 'http', url: 'https://mcp.acme.dev/mcp' },
    },
  });
  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, 'scan', ...args], {
      encoding: 'utf8',
      cwd: repo,
      env: { PATH: process.env.PATH, MCPEEKER_HOST_ID_SALT: SALT },
    });

  it('exits 1 when a risk at or above the threshold is found, 0 when none is, 2 on bad usage', () => {
    const failing = run([
      '--config',
      risky,
      '--fail-on',
      'high',
      '--format',
      'sarif',
    ]);
    expect(failing.stderr).toBe(
      'mcpeeker-agent: 1 risk at or above high (--fail-on high)\n',
    );
    expect(failing.status).toBe(1);
    // Relative to the folder the scan ran in, as code scanning wants it.
    expect(
      JSON.parse(failing.stdout).runs[0].results[0].locations[0]
        .physicalLocation.artifactLocation.uri,
    ).toBe('risky/.cursor/mcp.json');

    // unknown-publisher (low) is below medium: the build passes.
    const passing = run([
      '--config',
      clean,
      '--fail-on',
      'medium',
      '--format',
      'json',
    ]);
    expect([passing.status, passing.stderr]).toEqual([0, '']);
    expect(JSON.parse(passing.stdout).detections[0].risks).toEqual([
      expect.objectContaining({ kind: 'unknown-publisher', severity: 'low' }),
    ]);

    // The table ends its last line: what stderr says next is a line of its
    // own on the terminal both write to.
    const terminal = spawnSync(
      'sh',
      [
        '-c',
        `"$0" "$1" scan --config "$2" --fail-on high --format table 2>&1`,
        process.execPath,
        BIN,
        risky,
      ],
      {
        encoding: 'utf8',
        cwd: repo,
        env: { PATH: process.env.PATH, MCPEEKER_HOST_ID_SALT: SALT },
      },
    );
    expect(terminal.status).toBe(1);
    expect(terminal.stdout).toMatch(
      /\n\nPublishers checked against the MCP registry snapshot of \d{4}-\d{2}-\d{2} \(\d+ servers\)\.\nmcpeeker-agent: 1 risk at or above high \(--fail-on high\)\n$/,
    );

    const usage = run(['--config', risky, '--fail-on', 'critical']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain(
      "--fail-on must be low, medium or high, got 'critical'",
    );
  });
});
