import { mockServices } from '@backstage/backend-test-utils';
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
});
