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
    // Today at 06:00 UTC: the reminders' day counts follow the calendar.
    let now = new Date();
    now.setUTCHours(6, 0, 0, 0);
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
        title: `MCP registration 'github' expires in 13 days, on ${entry.expiresAt.slice(
          0,
          10,
        )}`,
        // The entry's own page, where its owner renews it.
        link: expect.stringMatching(/^\/mcpeeker\/registry\/[0-9a-f-]{36}$/),
      },
    });

    now = new Date(now.getTime() + 12.5 * DAY); // half a day left
    expect(await run()).toEqual({ reminded: 1, expired: 0 });
    // Half a day left, and its date is tomorrow's.
    expect(sent.at(-1).payload.title).toBe(
      `MCP registration 'github' expires tomorrow (${entry.expiresAt.slice(
        0,
        10,
      )})`,
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

  it('tells a pending entry that only an approval helps, and counts calendar days to the date it names', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const db = await applyDatabaseMigrations(database);
    // 15:00 UTC on the 3rd; both expire at 20:00 on the 13th: 10.2 days away,
    // ten calendar days.
    const now = new Date('2026-12-03T15:00:00.000Z');
    const registry = new RegistryStore(
      db,
      new AuditLog('k'.repeat(32)),
      () => now,
    );
    const { findings } = await sqlPipeline(database, { registry });
    const sent: any[] = [];
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [],
      admins: ['group:default/platform-admins'],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });
    const create = (name: string, port: number) =>
      registry.create(
        {
          name,
          team: 'group:default/team-a',
          purpose: 'Reads the repository',
          identity: { hostIdHash: HOST, port },
          transport: 'http',
          expiresAt: '2026-12-13T20:00:00.000Z',
        },
        'user:default/dana',
      );
    await create('filesystem', 3001);
    const github = await create('github', 3002);
    await registry.decide(github.id, 'approve', 'user:default/pat');

    expect(await runRegistryExpiry({ registry, findings, notifier })).toEqual({
      reminded: 2,
      expired: 0,
    });
    const said = (title: string) =>
      sent.find(n => n.payload.title.includes(`'${title}'`));
    expect(said('filesystem')).toMatchObject({
      recipients: {
        entityRef: [
          'user:default/dana',
          'group:default/team-a',
          'group:default/platform-admins',
        ],
      },
      payload: {
        title:
          "MCP registration 'filesystem' is still awaiting approval; its requested period ends in 10 days, on 2026-12-13",
        description:
          'An admin must approve it before then, or it expires unapproved and its detections stay flagged. Its owner can move the date on its page.',
      },
    });
    expect(said('github')).toMatchObject({
      recipients: {
        entityRef: ['user:default/dana', 'group:default/team-a'],
      },
      payload: {
        title: "MCP registration 'github' expires in 10 days, on 2026-12-13",
        description:
          'Extend it on its Registry page before then, or its detections will be flagged again.',
      },
    });
    expect(JSON.stringify(said('filesystem'))).not.toMatch(
      /flagged again|extend it/i,
    );
  });

  it('tells an entry that expired while pending that it was never approved, not that it is unregistered “again”', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    const db = await applyDatabaseMigrations(database);
    let now = new Date('2026-12-03T15:00:00.000Z');
    const registry = new RegistryStore(
      db,
      new AuditLog('k'.repeat(32)),
      () => now,
    );
    const { findings } = await sqlPipeline(database, { registry });
    const sent: any[] = [];
    const notifier = new RegistryNotifier({
      notifications: { send: async n => void sent.push(n) },
      webhooks: [],
      admins: ['group:default/platform-admins'],
      logger: mockServices.logger.mock(),
      baseUrl: 'http://portal.example',
    });
    const create = (name: string, port: number) =>
      registry.create(
        {
          name,
          team: 'group:default/team-a',
          purpose: 'Reads the repository',
          identity: { hostIdHash: HOST, port },
          transport: 'http',
          expiresAt: '2026-12-05T20:00:00.000Z',
        },
        'user:default/dana',
      );
    const filesystem = await create('filesystem', 3001);
    const github = await create('github', 3002);
    await registry.decide(github.id, 'approve', 'user:default/pat');

    now = new Date('2026-12-06T09:00:00.000Z');
    expect(await runRegistryExpiry({ registry, findings, notifier })).toEqual({
      reminded: 0,
      expired: 2,
    });
    const said = (entryId: string) =>
      sent.find(
        n => n.payload.scope === `mcpeeker-registry:${entryId}:expired`,
      );
    expect(said(filesystem.id)).toMatchObject({
      recipients: {
        entityRef: ['user:default/dana', 'group:default/team-a'],
      },
      payload: {
        title:
          "MCP registration 'filesystem' expired before an admin decided on it",
        description:
          'Its requested period ended while it awaited approval. It was never approved, so its detections remain scored as unregistered, as they were; if it is still needed, renew it on its page with a new date and it goes back to the admins.',
        link: `/mcpeeker/registry/${filesystem.id}`,
      },
    });
    expect(said(filesystem.id).payload.description).not.toMatch(/again/);
    // The approved one lost its approval: its detections lose the discount again.
    expect(said(github.id).payload).toMatchObject({
      title: "MCP registration 'github' has expired",
      description: expect.stringMatching(
        /^Its detections are scored as unregistered again;/,
      ),
    });
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
