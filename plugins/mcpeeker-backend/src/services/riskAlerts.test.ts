import { mockServices } from '@backstage/backend-test-utils';
import type { RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import { endpointEvent, GITHUB_RISKS, riskFact } from '../__testUtils__/events';
import { findingStoreEngines } from '../__testUtils__/findingStores';
import { startWebhookReceiver } from '../__testUtils__/webhookReceiver';
import { RegistryNotifier } from './RegistryNotifier';
import { runRiskAlerts } from './riskAlerts';

const engines = findingStoreEngines();

describe('risk alerts', () => {
  it('tells the owner once per new high-severity kind of risk on a finding, not once per scan, with the fix', async () => {
    const { knex: db, findings, ingest } = await engines.setup('SQLITE_3');
    const sent: any[] = [];
    const receiver = await startWebhookReceiver('webhook-secret-0123456789');
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [
        {
          name: 'security-channel',
          url: receiver.url,
          secret: 'webhook-secret-0123456789',
          format: 'json',
          events: ['high-risk'],
        },
      ],
      admins: ['group:default/platform-admins'],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });
    const run = () =>
      runRiskAlerts({
        db,
        findings,
        notifier,
        since: new Date('2026-11-01T00:00:00Z'),
      });
    const scan = (minute: number, risks = GITHUB_RISKS) =>
      ingest.ingest(
        [
          endpointEvent({ observedAt: `2026-11-21T10:0${minute}:00Z`, risks }),
          // Erin's server has no high risk: nothing to tell her.
          endpointEvent({
            port: 2,
            owner: 'user:default/erin',
            observedAt: `2026-11-21T10:0${minute}:00Z`,
            risks: [GITHUB_RISKS[1]],
          }),
        ],
        'http',
      );
    try {
      await scan(1);
      expect(await run()).toEqual({ alerted: 1 });
      const [finding] = (await findings.list({ limit: 10, minRisk: 'high' }))
        .items;
      expect(sent).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: ['user:default/dana'] },
          payload: expect.objectContaining({
            title:
              "MCP server 'github' on your endpoint: Secret written in the config",
            description: `env GITHUB_TOKEN holds a GitHub token. Fix: ${GITHUB_RISKS[0].fix}`,
            link: `/mcpeeker/findings/${finding.compositeId}`,
            severity: 'high',
          }),
        }),
      ]);

      // The agent scans again, and again: the same risk is not told twice.
      await scan(2);
      expect(await run()).toEqual({ alerted: 0 });
      await scan(3);
      expect(await run()).toEqual({ alerted: 0 });

      // A new high kind on the same server is: once.
      await scan(4, [
        ...GITHUB_RISKS,
        riskFact('broad-filesystem', "the folder it may use is '/'"),
      ]);
      expect(await run()).toEqual({ alerted: 1 });
      expect(await run()).toEqual({ alerted: 0 });
      expect(sent.map(n => n.payload.title)).toEqual([
        "MCP server 'github' on your endpoint: Secret written in the config",
        "MCP server 'github' on your endpoint: Filesystem access to a root or the home folder",
      ]);
      // The webhook heard the same two (each answered before notify returned), signed.
      expect(receiver.received.map(r => [r.event, r.valid])).toEqual([
        ['high-risk', true],
        ['high-risk', true],
      ]);
      expect(receiver.received[1].body).toMatchObject({
        kind: 'high-risk',
        link: `http://portal.example/mcpeeker/findings/${finding.compositeId}`,
        finding: { compositeId: finding.compositeId, serverName: 'github' },
        risk: { kind: 'broad-filesystem' },
      });
    } finally {
      await receiver.close();
    }
  });

  it('does not tell the owner again when a fix makes a new finding of the same server with the same risk', async () => {
    const { knex: db, findings, ingest } = await engines.setup('SQLITE_3');
    const sent: any[] = [];
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [],
      admins: [],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });
    const run = () =>
      runRiskAlerts({
        db,
        findings,
        notifier,
        since: new Date('2026-11-01T00:00:00Z'),
      });
    const root = riskFact('broad-filesystem', "the folder it may use is '/'");
    // Dana's server, unpinned and with a token in its config: told of both.
    await ingest.ingest(
      [
        endpointEvent({
          observedAt: '2026-12-03T17:14:00Z',
          risks: [GITHUB_RISKS[0], root],
        }),
      ],
      'http',
    );
    expect(await run()).toEqual({ alerted: 2 });
    // She pins its version and moves the key to an env reference, and
    // rescans: the same server on the same host, a new identity, its root
    // folder still shared.
    await ingest.ingest(
      [
        endpointEvent({
          port: 3002,
          observedAt: '2026-12-03T17:18:00Z',
          args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
          risks: [root],
        }),
      ],
      'http',
    );
    const listed = (await findings.list({ limit: 10, minRisk: 'high' })).items;
    expect(new Set(listed.map(f => f.compositeId)).size).toBe(2);
    expect(await run()).toEqual({ alerted: 0 });
    expect(sent.map(n => n.payload.title)).toEqual([
      "MCP server 'github' on your endpoint: Secret written in the config",
      "MCP server 'github' on your endpoint: Filesystem access to a root or the home folder",
    ]);
    // The same name on another of her hosts is another server: told.
    await ingest.ingest(
      [
        endpointEvent({
          hostName: 'danas-laptop',
          observedAt: '2026-12-03T17:20:00Z',
          risks: [root],
        }),
      ],
      'http',
    );
    expect(await run()).toEqual({ alerted: 1 });
    expect(sent).toHaveLength(3);
    expect(sent[2].payload.scope).not.toBe(sent[1].payload.scope);
  });

  it('tells each owner of a shared host about their own facts only, once per kind each', async () => {
    const { knex: db, findings, ingest } = await engines.setup('SQLITE_3');
    const sent: any[] = [];
    const receiver = await startWebhookReceiver('webhook-secret-0123456789');
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [
        {
          name: 'security-channel',
          url: receiver.url,
          secret: 'webhook-secret-0123456789',
          format: 'json',
          events: ['high-risk'],
        },
      ],
      admins: ['group:default/platform-admins'],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });
    const run = () =>
      runRiskAlerts({
        db,
        findings,
        notifier,
        since: new Date('2026-11-01T00:00:00Z'),
      });
    const erins = (minute: number, ...risks: RiskFact[]) =>
      endpointEvent({
        owner: 'user:default/erin',
        observedAt: `2026-11-21T10:0${minute}:00Z`,
        configPath: '/home/erin/.cursor/mcp.json',
        risks: risks.map(r => ({
          ...r,
          location: { file: '/home/erin/.cursor/mcp.json' },
        })),
      });
    const erinsRoot = riskFact(
      'broad-filesystem',
      "the folder it may use is '/home/erin'",
    );
    try {
      // One server, one host, two owners: dana's entry holds a token, erin's reaches her home.
      await ingest.ingest(
        [endpointEvent({ risks: GITHUB_RISKS }), erins(1, erinsRoot)],
        'http',
      );
      expect(await run()).toEqual({ alerted: 2 });
      const told = (who: string) =>
        sent
          .filter(n => n.recipients.entityRef.includes(who))
          .map(n => n.payload);
      expect(told('user:default/dana').map(p => p.title)).toEqual([
        "MCP server 'github' on your endpoint: Secret written in the config",
      ]);
      expect(told('user:default/erin')).toEqual([
        expect.objectContaining({
          title:
            "MCP server 'github' on your endpoint: Filesystem access to a root or the home folder",
          description: expect.stringContaining("'/home/erin'"),
        }),
      ]);
      expect(sent.every(n => n.recipients.entityRef.length === 1)).toBe(true);
      expect(JSON.stringify(told('user:default/dana'))).not.toContain('erin');
      // The webhook hears each owner's notice, with that owner's evidence.
      expect(
        receiver.received.map(r => [
          r.valid,
          r.body.finding.owner,
          r.body.risk.kind,
        ]),
      ).toEqual([
        [true, 'user:default/dana', 'inline-secret'],
        [true, 'user:default/erin', 'broad-filesystem'],
      ]);

      // Erin pastes a token too: a kind dana was told of is news to erin, once.
      await ingest.ingest(
        [erins(2, erinsRoot, riskFact('inline-secret', 'env KEY holds a key'))],
        'http',
      );
      expect(await run()).toEqual({ alerted: 1 });
      expect(await run()).toEqual({ alerted: 0 });
      expect(told('user:default/erin').map(p => p.description)).toEqual([
        expect.stringContaining("'/home/erin'"),
        expect.stringMatching(/^env KEY holds a key\. Fix: /),
      ]);
      expect(told('user:default/dana')).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
