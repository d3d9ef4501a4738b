import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { findingStoreEngines } from '../__testUtils__/findingStores';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
  riskFact,
} from '../__testUtils__/events';
import { MAX_COUNTED_FINDINGS } from './FindingStore';

jest.setTimeout(60_000);

const engines = findingStoreEngines();

describe.each(engines.kinds)('findings on %p', kind => {
  const setup = () => engines.setup(kind);

  it('turns events from several layers into one scored, explained finding', async () => {
    const { findings, ingest } = await setup();
    // The network event arrives in the same batch as the agent's report of the host's address.
    await ingest.ingest([networkEvent(), endpointEvent()], 'http');
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const finding = await findings.get(id);
    expect(finding).toMatchObject({
      compositeId: id,
      serverName: 'github',
      hostIdHash: HOST,
      owner: 'user:default/dana',
      score: 9,
      classification: 'unauthorized',
      layers: ['endpoint', 'network'],
      registryStatus: 'unregistered',
      firstSeen: '2026-11-21T10:00:00.000Z',
      lastSeen: '2026-11-21T10:01:00.000Z',
    });
    expect(finding!.breakdown.contributions.map(c => c.layer)).toEqual([
      'endpoint',
      'network',
    ]);
    const evidence = await findings.evidence(id, 10);
    expect(evidence.endpoint).toHaveLength(1);
    expect(evidence.network).toHaveLength(1);
    expect(evidence.gateway).toEqual([]);
  });

  it('is unchanged by redelivery and by the order events arrive in', async () => {
    const a = await setup();
    const b = await setup();
    const events = [
      endpointEvent(),
      endpointEvent({ source: 'port' }),
      networkEvent(),
      endpointEvent({ observedAt: '2026-11-21T09:00:00Z' }),
    ];
    for (const e of events) await a.ingest.ingest([e], 'nats');
    await a.ingest.ingest(events, 'nats');
    await b.ingest.ingest([...events].reverse(), 'http');
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const fa = await a.findings.get(id);
    const fb = await b.findings.get(id);
    expect(fa!.signals).toEqual(fb!.signals);
    // The config entry reported twice (10:00 and 09:00) is one config entry, seen from 09:00.
    expect(fa!.signals.counts.endpoint).toEqual({ config: 1, port: 1 });
    expect(fa).toMatchObject({
      score: fb!.score,
      firstSeen: '2026-11-21T09:00:00.000Z',
      lastSeen: '2026-11-21T10:01:00.000Z',
    });
  });

  it('merges events within the dedup window into one detection', async () => {
    const { findings, ingest } = await setup();
    await ingest.ingest(
      [
        endpointEvent({ observedAt: '2026-11-21T10:00:10Z' }),
        endpointEvent({ observedAt: '2026-11-21T10:03:00Z' }),
        endpointEvent({ observedAt: '2026-11-21T10:07:00Z' }),
      ],
      'http',
    );
    const detections = await findings.detections(
      compositeId({ hostIdHash: HOST, port: 3001 }),
    );
    expect(detections).toEqual([
      {
        layer: 'endpoint',
        windowStart: '2026-11-21T10:00:00.000Z',
        eventCount: 2,
        firstSeen: '2026-11-21T10:00:10.000Z',
        lastSeen: '2026-11-21T10:03:00.000Z',
      },
      {
        layer: 'endpoint',
        windowStart: '2026-11-21T10:05:00.000Z',
        eventCount: 1,
        firstSeen: '2026-11-21T10:07:00.000Z',
        lastSeen: '2026-11-21T10:07:00.000Z',
      },
    ]);
  });

  it('lists with filters, sorting and cursor pagination', async () => {
    const { findings, ingest } = await setup();
    await ingest.ingest(
      [
        endpointEvent({ port: 1 }),
        endpointEvent({ port: 2 }),
        networkEvent({ port: 2 }),
        gatewayEvent({ judge: { verdict: 'not-mcp', confidence: 0.9 } }),
      ],
      'http',
    );
    const all = await findings.list({ limit: 10 });
    expect(all.totalCount).toBe(3);
    expect(all.totalCountCapped).toBe(false);
    expect(all.items.map(f => f.score)).toEqual([9, 6, 0]);
    expect(
      (
        await findings.list({ limit: 10, classification: ['unauthorized'] })
      ).items.map(f => f.layers),
    ).toEqual([['endpoint', 'network']]);
    expect(
      (await findings.list({ limit: 10, layer: 'gateway' })).items,
    ).toHaveLength(1);
    expect(
      (await findings.list({ limit: 10, minScore: 5, maxScore: 8 })).totalCount,
    ).toBe(1);
    expect(
      (await findings.list({ limit: 10, text: 'GITHUB' })).totalCount,
    ).toBe(3);
    // An exact server name (an MCPServer entity's findings), not a substring.
    const name = all.items[0].serverName!;
    expect(
      (await findings.list({ limit: 10, serverName: name })).items.map(
        f => f.compositeId,
      ),
    ).toEqual(
      all.items.filter(f => f.serverName === name).map(f => f.compositeId),
    );
    expect(
      (await findings.list({ limit: 10, serverName: name.toUpperCase() }))
        .totalCount,
    ).toBe(0);
    expect(
      (await findings.list({ limit: 10, ownerRefs: ['user:default/sam'] }))
        .totalCount,
    ).toBe(0);
    const page1 = await findings.list({ limit: 2 });
    const page2 = await findings.list({ limit: 2, offset: page1.nextOffset });
    expect(page1.nextOffset).toBe(2);
    expect(page2.nextOffset).toBeUndefined();
    expect([...page1.items, ...page2.items].map(f => f.compositeId)).toEqual(
      all.items.map(f => f.compositeId),
    );
  });

  it('scans every match in pages of the size asked, highest score first, with the list’s filters', async () => {
    const { findings, ingest } = await setup();
    await ingest.ingest(
      [
        ...[1, 2, 3, 4, 5, 6].map(port =>
          endpointEvent({
            port,
            owner: port % 2 ? 'user:default/dana' : 'user:default/erin',
          }),
        ),
        networkEvent({ port: 2 }),
        networkEvent({ port: 5 }),
        // Seen later: first among its score.
        endpointEvent({
          port: 4,
          owner: 'user:default/erin',
          observedAt: '2026-11-21T11:00:00Z',
        }),
      ],
      'http',
    );
    const pagesOf = async (
      filter: Parameters<typeof findings.scan>[0],
      size: number,
    ) => {
      const pages = [];
      for await (const page of findings.scan(filter, size)) pages.push(page);
      return pages;
    };
    const pages = await pagesOf({}, 4);
    expect(pages.map(p => p.length)).toEqual([4, 2]);
    const listed = (await findings.list({ limit: 10 })).items;
    // The list's order (score, last seen, id), whatever the page size: each
    // page continues where the last one ended.
    for (const scanned of [pages.flat(), (await pagesOf({}, 1)).flat()])
      expect(scanned.map(f => f.compositeId)).toEqual(
        listed.map(f => f.compositeId),
      );
    expect(listed.map(f => f.score)).toEqual([9, 9, 6, 6, 6, 6]);
    expect(listed[2].lastSeen).toBe('2026-11-21T11:00:00.000Z');
    expect(
      (await pagesOf({ ownerRefs: ['user:default/erin'] }, 1)).map(p =>
        p.map(f => f.owner),
      ),
    ).toEqual([
      ['user:default/erin'],
      ['user:default/erin'],
      ['user:default/erin'],
    ]);
    expect(
      (await pagesOf({ classification: ['unauthorized'] }, 500)).flat(),
    ).toHaveLength(2);
    expect(await pagesOf({ serverName: 'nothing-like-it' }, 500)).toEqual([]);
  });

  it('ranks a server with a pasted secret and `/` as its root above a pinned, known, approved one, and above one that is only unpinned at the same score', async () => {
    const approved = compositeId({ hostIdHash: HOST, port: 3 });
    const { findings, ingest } = await engines.setup(kind, {
      registry: {
        match: async f =>
          f.compositeId === approved
            ? { approved: true, entryName: 'filesystem' }
            : { approved: false },
      },
    });
    const later = '2026-11-21T10:30:00Z';
    await ingest.ingest(
      [
        // Unregistered, in one config: 6, + the secret up to the top of suspect.
        endpointEvent({
          port: 1,
          risks: [
            riskFact('inline-secret', 'env GITHUB_TOKEN holds a GitHub token'),
            riskFact('broad-filesystem', "the folder it may use is '/'"),
          ],
        }),
        // Its config and its port: 7, + the unpinned package up to 8. Seen later.
        endpointEvent({
          port: 2,
          observedAt: later,
          risks: [
            riskFact('unpinned-package', 'npx runs it without a version'),
          ],
        }),
        endpointEvent({ port: 2, source: 'port', observedAt: later }),
        // Pinned, in the MCP registry, approved: no risk fact.
        endpointEvent({
          port: 3,
          observedAt: '2026-11-21T10:40:00Z',
          args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31'],
        }),
      ],
      'http',
    );
    const listed = (await findings.list({ limit: 10 })).items;
    expect(
      listed.map(f => [f.score, f.classification, f.breakdown.riskLevel]),
    ).toEqual([
      [8, 'suspect', 'high'],
      [8, 'suspect', 'medium'],
      [0, 'authorized', undefined],
    ]);
    expect(listed[2].compositeId).toBe(approved);
    // An export pages in the same order, however small its pages.
    const scanned = [];
    for await (const page of findings.scan({}, 1)) scanned.push(...page);
    expect(scanned.map(f => f.compositeId)).toEqual(
      listed.map(f => f.compositeId),
    );
    // By last seen, risk does not matter: the latest first.
    expect(
      (await findings.list({ limit: 10, sort: 'lastSeen' })).items.map(
        f => f.breakdown.riskLevel ?? 'none',
      ),
    ).toEqual(['none', 'medium', 'high']);
  });

  it('lets the owner of the approved entry a finding matches find it too', async () => {
    const port1 = compositeId({ hostIdHash: HOST, port: 1 });
    const { findings, ingest } = await engines.setup(kind, {
      registry: {
        match: async f =>
          f.compositeId === port1
            ? {
                approved: true,
                entryName: 'github',
                owner: 'user:default/erin',
              }
            : { approved: false },
      },
    });
    await ingest.ingest(
      [endpointEvent({ port: 1 }), endpointEvent({ port: 2 })],
      'http',
    );
    const erins = await findings.list({
      limit: 10,
      ownerRefs: ['user:default/erin'],
    });
    expect(
      erins.items.map(f => [f.compositeId, f.owner, f.registryOwner]),
    ).toEqual([[port1, 'user:default/dana', 'user:default/erin']]);
    expect(erins.totalCount).toBe(1);
    expect(
      (await findings.list({ limit: 10, ownerRefs: ['user:default/dana'] }))
        .totalCount,
    ).toBe(2);
  });

  it('summarizes findings per server name for the catalog', async () => {
    const { findings, ingest } = await setup();
    await ingest.ingest(
      [
        endpointEvent({ port: 1 }),
        endpointEvent({ port: 2 }),
        networkEvent({ port: 2, observedAt: '2026-11-21T11:00:00Z' }),
        gatewayEvent({ judge: { verdict: 'not-mcp', confidence: 0.9 } }),
      ],
      'http',
    );
    expect(await findings.summarizeServers(10)).toEqual([
      {
        serverName: 'github',
        // Two ports on dana's host; not the gateway's sighting, which the
        // Judge says is no MCP server (judgedNotMcp): no entity counts it.
        findings: 2,
        hosts: 1,
        maxScore: 9,
        lastSeen: '2026-11-21T11:00:00.000Z',
        anOwner: 'user:default/dana',
      },
    ]);
  });

  it('counts up to 10,000 and then says "more"', async () => {
    const { fill, findings } = await setup();
    await fill(MAX_COUNTED_FINDINGS + 1);
    expect(await findings.list({ limit: 5 })).toMatchObject({
      totalCount: MAX_COUNTED_FINDINGS,
      totalCountCapped: true,
    });
    expect(
      await findings.list({ limit: 5, text: 'nothing-matches' }),
    ).toMatchObject({ totalCount: 0, totalCountCapped: false });
  });

  it('gives each owner of a shared host the risk facts their endpoints reported, and analysts all of them', async () => {
    const { findings, ingest } = await setup();
    const dana = 'user:default/dana';
    const erin = 'user:default/erin';
    // A port probe's fact is about the server: it has no place in a file.
    const { location: _none, ...poisoned } = riskFact(
      'tool-poisoning',
      "tool 'echo' hides a directive",
    );
    const erinsRoot = {
      ...riskFact('broad-filesystem', "the folder it may use is '/home/erin'"),
      location: { file: '/home/erin/.cursor/mcp.json', jsonPath: '$.args' },
    };
    await ingest.ingest(
      [
        endpointEvent({
          risks: [riskFact('inline-secret', 'env TOKEN holds a token')],
        }),
        endpointEvent({
          owner: erin,
          configPath: '/home/erin/.cursor/mcp.json',
          risks: [erinsRoot],
        }),
        // Each agent probes the one server on the host's port.
        endpointEvent({ source: 'port', risks: [poisoned] }),
        endpointEvent({
          source: 'port',
          owner: erin,
          observedAt: '2026-11-21T10:05:00Z',
          risks: [poisoned],
        }),
      ],
      'http',
    );
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const kinds = (f?: { signals: { risks?: Array<{ kind: string }> } }) =>
      f?.signals.risks?.map(r => r.kind);
    const all = await findings.get(id);
    expect(all!.signals.risks!.map(r => [r.kind, r.owners])).toEqual([
      ['inline-secret', [dana]],
      ['broad-filesystem', [erin]],
      ['tool-poisoning', [dana, erin]],
    ]);
    expect(kinds(await findings.get(id, { ownerRefs: [dana] }))).toEqual([
      'inline-secret',
      'tool-poisoning',
    ]);
    const erins = await findings.get(id, { ownerRefs: [erin, 'group:x/y'] });
    expect(kinds(erins)).toEqual(['broad-filesystem', 'tool-poisoning']);
    // The score is the finding's, whoever reads it.
    expect(erins!.score).toBe(all!.score);
    // Lists and exports narrow the same way.
    expect(
      (await findings.list({ limit: 5, ownerRefs: [dana] })).items.map(kinds),
    ).toEqual([['inline-secret', 'tool-poisoning']]);
    const scanned = [];
    for await (const page of findings.scan({ ownerRefs: [erin] }))
      scanned.push(...page);
    expect(scanned.map(kinds)).toEqual([
      ['broad-filesystem', 'tool-poisoning'],
    ]);
    expect(JSON.stringify(scanned)).not.toContain('/home/dana');
    expect(
      (await findings.list({ limit: 5 })).items.map(
        f => f.signals.risks?.length,
      ),
    ).toEqual([3]);
  });
  it("shows each owner up to 32 of their own facts: another owner's many never crowd them out", async () => {
    const { findings, ingest } = await setup();
    const erin = 'user:default/erin';
    const many = Array.from({ length: 40 }, (_, i) =>
      riskFact('inline-secret', `header X-${i} holds a key`, `$.h.X-${i}`),
    );
    const erinsFile = '/home/erin/.cursor/mcp.json';
    await ingest.ingest(
      [
        endpointEvent({ risks: many.slice(0, 20) }),
        endpointEvent({
          configPath: '/home/dana/work/.mcp.json',
          risks: many.slice(20),
        }),
        endpointEvent({
          owner: erin,
          configPath: erinsFile,
          risks: [
            {
              ...riskFact('unknown-publisher', 'not in the MCP registry'),
              location: { file: erinsFile },
            },
          ],
        }),
      ],
      'http',
    );
    const id = compositeId({ hostIdHash: HOST, port: 3001 });
    const erins = await findings.get(id, { ownerRefs: [erin] });
    expect(erins!.signals.risks!.map(r => [r.kind, r.owners])).toEqual([
      ['unknown-publisher', [erin]],
    ]);
    expect(
      (await findings.list({ limit: 5, ownerRefs: [erin] })).items[0].signals
        .risks,
    ).toEqual(erins!.signals.risks);
    const danas = await findings.get(id, {
      ownerRefs: ['user:default/dana', erin],
    });
    expect(danas!.signals.risks).toHaveLength(32);
    expect(danas!.signals.risks!.every(r => r.severity === 'high')).toBe(true);
    // Analysts read every owner's: dana's 32 most severe and erin's one.
    expect((await findings.get(id))!.signals.risks).toHaveLength(33);
  });
});
