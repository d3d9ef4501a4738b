import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { endpointEvent, HOST } from '../__testUtils__/events';
import { sqlPipeline } from '../__testUtils__/sqlPipeline';
import { applyDatabaseMigrations } from '../database/migrations';
import { AuditLog } from '../database/AuditLog';
import { runRegistryExpiry } from './registryExpiry';
import { RegistryNotifier } from './RegistryNotifier';
import { startWebhookReceiver } from '../__testUtils__/webhookReceiver';
import { RegistryStore } from '../database/RegistryStore';

jest.setTimeout(30_000);

const DAY = 86_400_000;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('registry expiry', () => {
  it('reminds 14 days and 1 day ahead (each once), then expires the entry and takes the −6 off its finding', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const db = await applyDatabaseMigrations(database);
    let now = new Date();
    const registry = new RegistryStore(
      db,
      new AuditLog('k'.repeat(32)),
      () => now,
    );
    const { findings, ingest } = await sqlPipeline(database, { registry });
    await ingest.ingest([endpointEvent()], 'http');
    const id = compositeId({ hostIdHash: HOST, port: 3001 });

    const sent: any[] = [];
    const receiver = await startWebhookReceiver('webhook-secret-0123456789');
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [
        {
          name: 'slack',
          url: receiver.url,
          secret: 'webhook-secret-0123456789',
          format: 'slack',
          events: ['expiring', 'expired'],
        },
      ],
      admins: ['group:default/platform-admins'],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });

    const entry = await registry.create(
      {
        name: 'github',
        team: 'group:default/team-a',
        purpose: 'Triages GitHub issues',
        identity: { hostIdHash: HOST, port: 3001 },
        transport: 'http',
        expiresAt: new Date(now.getTime() + 20 * DAY).toISOString(),
      },
      'user:default/dana',
    );
    await registry.decide(entry.id, 'approve', 'user:default/pat');
    await findings.rescore({ compositeIds: [id] });
    expect(await findings.get(id)).toMatchObject({
      score: 0,
      registryStatus: 'approved',
    });

    const run = () => runRegistryExpiry({ registry, findings, notifier });
    expect(await run()).toEqual({ reminded: 0, expired: 0 });

    now = new Date(now.getTime() + 7 * DAY); // 13 days left
    expect(await run()).toEqual({ reminded: 1, expired: 0 });
    expect(await run()).toEqual({ reminded: 0, expired: 0 });
    expect(sent.at(-1)).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/dana', 'group:default/team-a'],
      },
      payload: {
        title: "MCP registration 'github' expires in 13 days",
        // The entry's own page, where its owner renews it.
        link: expect.stringMatching(/^\/mcpeeker\/registry\/[0-9a-f-]{36}$/),
      },
    });

    now = new Date(now.getTime() + 12.5 * DAY); // half a day left
    expect(await run()).toEqual({ reminded: 1, expired: 0 });
    expect(sent.at(-1).payload.title).toBe(
      "MCP registration 'github' expires in 1 day",
    );

    now = new Date(now.getTime() + DAY);
    expect(await run()).toEqual({ reminded: 0, expired: 1 });
    expect(await run()).toEqual({ reminded: 0, expired: 0 });
    expect(sent.at(-1).payload).toMatchObject({
      title: "MCP registration 'github' has expired",
      severity: 'high',
    });
    expect(await registry.get(entry.id)).toMatchObject({ status: 'expired' });
    expect(await findings.get(id)).toMatchObject({
      score: 6,
      registryStatus: 'unregistered',
    });

    // The webhook heard the same three notices, signed.
    expect(receiver.received.map(r => [r.event, r.valid])).toEqual([
      ['expiring', true],
      ['expiring', true],
      ['expired', true],
    ]);
    expect(receiver.received[2].body.text).toContain(
      "*MCP registration 'github' has expired*",
    );
    expect(receiver.received[2].body.text).toContain(
      `<http://portal.example/mcpeeker/registry/${entry.id}|`,
    );
    expect(
      (
        await new AuditLog('k'.repeat(32)).list(db, {
          entryId: entry.id,
          limit: 10,
        })
      ).map(r => r.action),
    ).toEqual(['expire', 'approve', 'create']);
    await receiver.close();
  });

  it('logs a failing channel and still delivers the others', async () => {
    const logger = mockServices.logger.mock();
    const sent: any[] = [];
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [
        {
          name: 'pager',
          url: 'http://127.0.0.1:9/nothing-listens',
          secret: 'webhook-secret-0123456789',
          format: 'pagerduty',
          events: [],
        },
      ],
      admins: ['group:default/platform-admins'],
      logger,
      baseUrl: '',
    });
    await notifier.notify({
      kind: 'submitted',
      entry: {
        id: 'e1',
        name: 'github',
        owner: 'user:default/dana',
        team: 'group:default/team-a',
        purpose: 'Triages GitHub issues',
        identity: { compositeId: 'mcp_0123456789abcdef0123456789abcdef' },
        transport: 'stdio',
        expiresAt: '2027-01-01T00:00:00.000Z',
        status: 'pending',
        createdBy: 'user:default/dana',
        createdAt: '2026-11-22T00:00:00.000Z',
        updatedAt: '2026-11-22T00:00:00.000Z',
      },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients.entityRef).toEqual([
      'group:default/platform-admins',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/through webhook pager failed/),
    );
  });
});
