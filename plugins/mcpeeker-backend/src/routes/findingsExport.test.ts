import Ajv from 'ajv-draft-04';
import { createEvent, RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  AccessTestEngine,
  as,
} from '../__testUtils__/accessTestBackend';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';
import {
  HOST,
  HOST_ADDRESS,
  networkEvent,
  riskFact,
} from '../__testUtils__/events';
import sarifSchema from '@mcpeeker/plugin-mcpeeker-common/src/sarif/sarif-schema-2.1.0.json';

jest.setTimeout(60_000);

// Exports as a SIEM or a spreadsheet reads them: what the list shows, every
// match, no one else's findings, nothing a spreadsheet would run.
const access = accessTestBackend();
// Every findings store, for what the store's findings decide (risk).
const everyStore = accessTestBackend<AccessTestEngine>([
  ...STORE_TEST_DATABASE_IDS,
  'CLICKHOUSE',
]);

/** A server in dana's Cursor config, named as given (anyone writes these names). */
const configEvent = (serverName: string, port: number, risks?: RiskFact[]) =>
  createEvent({
    layer: 'endpoint',
    observedAt: '2026-11-21T10:00:00Z',
    compositeId: `mcp_${port.toString(16).padStart(32, '0')}`,
    sensor: { id: 'agent-1', kind: 'mcpeeker-agent', version: '0.1.0' },
    host: {
      idHash: HOST,
      os: 'linux',
      owner: 'user:default/dana',
      addressHashes: [HOST_ADDRESS],
    },
    detection: {
      source: 'config',
      client: 'cursor',
      serverName,
      configPath: '/home/dana/.cursor/mcp.json',
      scope: 'user',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', serverName],
      ...(risks ? { risks } : {}),
    },
  });

async function started() {
  const { server } = await access.start();
  await request(server)
    .post('/api/mcpeeker/events')
    .set(as('service'))
    .send({
      events: [
        configEvent('=HYPERLINK("http://evil.example","x")', 11),
        configEvent('reads, "quotes"', 12),
        networkEvent({ port: 3001 }),
      ],
    })
    .expect(202);
  return server;
}

const exported = (server: any, who: string, query: string) =>
  request(server)
    .get(`/api/mcpeeker/findings/export?${query}`)
    .set(as(who))
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => {
        text += chunk;
      });
      res.on('end', () => done(null, text));
    });

describe('GET /api/mcpeeker/findings/export', () => {
  it('exports as JSON exactly what the list holds, with its filters, who asked and a count', async () => {
    const server = await started();
    const res = await exported(server, 'sam', 'format=json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="mcpeeker-findings-\d{4}-\d\d-\d\d\.json"/,
    );
    const doc = JSON.parse(res.body);
    const listed = (
      await request(server)
        .get('/api/mcpeeker/findings?limit=200')
        .set(as('sam'))
    ).body;
    expect(doc).toMatchObject({
      format: 'mcpeeker.findings.export/v1',
      exportedBy: 'user:default/sam',
      filters: { suppressed: 'exclude' },
      count: listed.totalCount,
      complete: true,
    });
    expect(
      [...doc.findings]
        .sort((a: any, b: any) => a.compositeId.localeCompare(b.compositeId))
        // Each with its risk as the list's Risk column says it (below).
        .map(({ risk, ...f }: any) => {
          expect(risk).toEqual(expect.objectContaining({ count: 0 }));
          return f;
        }),
    ).toEqual(
      [...listed.items].sort((a: any, b: any) =>
        a.compositeId.localeCompare(b.compositeId),
      ),
    );

    const unauthorized = JSON.parse(
      (await exported(server, 'sam', 'classification=unauthorized')).body,
    );
    // Suppressed and no-longer-reported findings, and those judged not an
    // MCP server, stay out unless asked for, as in the list; the export
    // says so in its filters.
    expect(unauthorized.filters).toEqual({
      classification: ['unauthorized'],
      suppressed: 'exclude',
      gone: 'exclude',
      notMcp: 'exclude',
    });
    expect(unauthorized.findings.map((f: any) => f.serverName)).toEqual([
      'github',
    ]);
  });

  it('gives a developer only their own findings', async () => {
    const server = await started();
    const erins = JSON.parse(
      (await exported(server, 'erin', 'format=json')).body,
    );
    expect(erins.count).toBe(1);
    expect(erins.findings.map((f: any) => f.owner)).toEqual([
      'user:default/erin',
    ]);
    expect(
      (await exported(server, 'unauthenticated', 'format=csv')).status,
    ).toBe(401);
  });

  it('writes CSV a spreadsheet opens safely: a header, one row per finding, formulas defused', async () => {
    const server = await started();
    const res = await exported(server, 'sam', 'format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'compositeId,serverName,owner,hostIdHash,score,classification,riskLevel,riskCount,registryStatus,layers,judgeVerdict,judgeUnavailable,judgedNotMcp,tags,triageStatus,assignee,verdict,suppressedBy,firstSeen,lastSeen,reasons',
    );
    expect(lines).toHaveLength(1 + 4);
    const hyperlink = lines.find((l: string) => l.includes('HYPERLINK'))!;
    // The name as text (a leading quote), quoted because it holds quotes and a comma.
    expect(hyperlink.split(',')[1]).toBe(
      '"\'=HYPERLINK(""http://evil.example""',
    );
    expect(lines.some((l: string) => l.includes('"reads, ""quotes"""'))).toBe(
      true,
    );
    const github = lines.find((l: string) => l.includes(',github,'))!;
    // No risk: the Risk columns empty and 0.
    expect(github).toContain(
      ',9,unauthorized,,0,unregistered,endpoint network,',
    );
    // The reasons (after lastSeen) start with a layer, not a sign: no formula guard shows.
    expect(github).toMatch(
      /,\d{4}-\d\d-\d\dT[^,]*,"?endpoint \+6: [^']*; network \+3: /,
    );
  });

  it('writes SARIF 2.1.0 that validates against the schema, a result per finding with its rule and breakdown, and one per risk fact located in its config file', async () => {
    const server = await started();
    // A filesystem server in dana's config: '/' as its root (line 7, column 9 of the file), and unpinned (no line known).
    const rootFs = {
      ...riskFact('broad-filesystem', "the folder it may use is '/'"),
      location: {
        file: '/home/dana/.cursor/mcp.json',
        jsonPath: '$.mcpServers.fs.args[2]',
        line: 7,
        column: 9,
      },
    };
    const unpinned = riskFact('unpinned-package', 'npx runs fs unpinned');
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({ events: [configEvent('fs', 13, [rootFs, unpinned])] })
      .expect(202);
    // An analyst suppressed one: exported when asked for, marked as suppressed.
    await request(server)
      .post('/api/mcpeeker/suppressions')
      .set(as('sam'))
      .send({
        scope: 'finding',
        compositeId: `mcp_${(12).toString(16).padStart(32, '0')}`,
        reason: 'Our own test fixture',
      })
      .expect(201);
    const res = await exported(
      server,
      'sam',
      'format=sarif&minScore=5&suppressed=include',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/sarif\+json/);
    const doc = JSON.parse(res.body);
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const valid = ajv.validate(sarifSchema, doc);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema bites: a wrong version is not SARIF 2.1.0.
    expect(ajv.validate(sarifSchema, { ...doc, version: '2.0.0' })).toBe(false);
    const [run] = doc.runs;
    // The classifications, then the risk kinds with the agent's rule ids.
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual([
      'MCPEEKER100',
      'MCPEEKER101',
      'MCPEEKER102',
      ...Array.from(
        { length: 13 },
        (_, i) => `MCPEEKER${String(i + 1).padStart(3, '0')}`,
      ),
    ]);
    for (const result of run.results)
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    const perFinding = run.results.filter((r: any) =>
      /^MCPEEKER10\d$/.test(r.ruleId),
    );
    expect(perFinding).toHaveLength(run.properties.count);
    // Each risk fact a result of its own, where a code-scanning tool shows it: the file, line and column.
    const fs = `mcp_${(13).toString(16).padStart(32, '0')}`;
    const facts = run.results.filter(
      (r: any) => r.properties.compositeId === fs && !perFinding.includes(r),
    );
    expect(facts).toEqual([
      expect.objectContaining({
        ruleId: 'MCPEEKER004',
        level: 'error',
        message: {
          text: expect.stringMatching(
            /^Filesystem access to a root or the home folder: MCP server 'fs': the folder it may use is '\/'\. Fix: /,
          ),
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'file:///home/dana/.cursor/mcp.json' },
              region: { startLine: 7, startColumn: 9 },
            },
            logicalLocations: [
              {
                name: 'fs',
                fullyQualifiedName: '$.mcpServers.fs.args[2]',
                kind: 'object',
              },
            ],
          },
        ],
        partialFingerprints: {
          'mcpeekerRisk/v1': expect.stringMatching(/^[0-9a-f]{64}$/),
          'mcpeekerCompositeId/v1': fs,
        },
      }),
      expect.objectContaining({
        ruleId: 'MCPEEKER012',
        level: 'warning',
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'file:///home/dana/.cursor/mcp.json' },
            },
            logicalLocations: [expect.objectContaining({ name: 'fs' })],
          },
        ],
      }),
    ]);
    const github = run.results.find(
      (r: any) => r.locations[0].logicalLocations[0].name === 'github',
    );
    expect(github).toMatchObject({
      ruleId: 'MCPEEKER100',
      level: 'error',
      properties: {
        score: 9,
        classification: 'unauthorized',
        breakdown: {
          contributions: [
            expect.objectContaining({ layer: 'endpoint', points: 6 }),
            expect.objectContaining({ layer: 'network', points: 3 }),
          ],
        },
      },
    });
    expect(github.message.text).toMatch(/^MCP server 'github' scored 9/);
    expect(github.suppressions).toBeUndefined();
    const suppressed = run.results.filter((r: any) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({
      locations: [{ logicalLocations: [{ name: 'reads, "quotes"' }] }],
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: expect.stringContaining('Our own test fixture'),
        },
      ],
    });
    expect(perFinding.every((r: any) => r.properties.score >= 5)).toBe(true);
  });

  it.each([
    ['format=xml', /format/],
    ['limit=10', /unknown parameter limit/],
    ['cursor=abc', /unknown parameter cursor/],
    ['classification=worst', /classification/],
    ['since=%3Cscript%3E', /since/],
  ])('answers %s with 400 naming the parameter', async (query, message) => {
    const server = await started();
    const res = await request(server)
      .get(`/api/mcpeeker/findings/export?${query}`)
      .set(as('sam'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/<script>|stack|select /i);
  });
});

describe.each(everyStore.ids)('the exports’ risk on %s', databaseId => {
  it('says the worst risk that counts and how many facts count, as the list’s Risk column shows and minRisk filters', async () => {
    const { server } = await everyStore.start({}, databaseId);
    // '/' as the folder it may use (high) and `npx` unpinned (medium).
    const risks = [
      riskFact('broad-filesystem', "the folder it may use is '/'"),
      riskFact('unpinned-package', 'npx runs fs unpinned'),
    ];
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({
        events: [configEvent('fs', 13, risks), configEvent('plain', 14)],
      })
      .expect(202);
    const fs = `mcp_${(13).toString(16).padStart(32, '0')}`;
    const plain = `mcp_${(14).toString(16).padStart(32, '0')}`;

    const csv = (await exported(server, 'sam', 'format=csv')).body
      .trimEnd()
      .split('\r\n')
      .map((line: string) => line.split(','));
    const [header] = csv;
    const riskOf = (id: string) => {
      const row = csv.find((r: string[]) => r[0] === id)!;
      return [header.indexOf('riskLevel'), header.indexOf('riskCount')].map(
        i => row[i],
      );
    };
    expect(header.slice(4, 8)).toEqual([
      'score',
      'classification',
      'riskLevel',
      'riskCount',
    ]);
    expect(riskOf(fs)).toEqual(['high', '2']);
    expect(riskOf(plain)).toEqual(['', '0']);

    const json = JSON.parse(
      (await exported(server, 'sam', 'format=json')).body,
    );
    const riskIn = (id: string) =>
      json.findings.find((f: any) => f.compositeId === id).risk;
    expect(riskIn(fs)).toEqual({ level: 'high', count: 2 });
    expect(riskIn(plain)).toEqual({ count: 0 });

    // What the list shows and filters on is the same risk.
    const highRisk = (
      await request(server)
        .get('/api/mcpeeker/findings?minRisk=high&limit=200')
        .set(as('sam'))
        .expect(200)
    ).body.items;
    expect(highRisk.map((f: any) => f.compositeId)).toEqual([fs]);
    expect(highRisk[0].breakdown.riskLevel).toBe('high');
    // Exported with minRisk, the export holds the same one.
    const filtered = JSON.parse(
      (await exported(server, 'sam', 'format=json&minRisk=high')).body,
    );
    expect(filtered.findings.map((f: any) => [f.compositeId, f.risk])).toEqual([
      [fs, { level: 'high', count: 2 }],
    ]);
  });
});
