import { endpointEvent, networkEvent } from '../__testUtils__/events';
import { findingStoreEngines } from '../__testUtils__/findingStores';
import { runFindingAlerts } from './findingAlerts';
import { PreferencesStore } from '../database/PreferencesStore';

const engines = findingStoreEngines();

describe('finding alerts', () => {
  it('tells each owner once per finding and classification, at or above the score they chose', async () => {
    const { knex: db, findings, ingest } = await engines.setup('SQLITE_3');
    const preferences = new PreferencesStore(db);
    await preferences.update('user:default/erin', {
      findingAlerts: { minScore: 5 },
    });
    const sent: any[] = [];
    const run = () =>
      runFindingAlerts({
        db,
        findings,
        preferences,
        notifications: { send: async n => void sent.push(n) },
        since: new Date('2026-11-01T00:00:00Z'),
      });

    // dana's server is suspect (6): below her default of 9. erin asked for 5.
    await ingest.ingest(
      [
        endpointEvent({ port: 1 }),
        endpointEvent({ port: 2, owner: 'user:default/erin' }),
      ],
      'http',
    );
    expect(await run()).toEqual({ alerted: 1 });
    expect(sent.map(n => [n.recipients.entityRef, n.payload.title])).toEqual([
      [
        'user:default/erin',
        "MCP server 'github' on your endpoint is suspect (score 6)",
      ],
    ]);
    expect(await run()).toEqual({ alerted: 0 });

    // Network traffic makes dana's unauthorized (9): now she hears of it.
    await ingest.ingest([networkEvent({ port: 1 })], 'http');
    expect(await run()).toEqual({ alerted: 1 });
    expect(sent[1]).toMatchObject({
      recipients: { entityRef: 'user:default/dana' },
      payload: {
        title: "MCP server 'github' on your endpoint is unauthorized (score 9)",
        severity: 'high',
        topic: 'mcpeeker-finding-alert',
      },
    });

    await preferences.update('user:default/erin', {
      findingAlerts: { enabled: false },
    });
    await ingest.ingest([networkEvent({ port: 2 })], 'http');
    expect(await run()).toEqual({ alerted: 0 });
  });
});
