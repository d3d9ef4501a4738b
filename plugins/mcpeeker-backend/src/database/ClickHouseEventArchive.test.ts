import { startClickHouseServer } from '../__testUtils__/clickhouseServer';
import { endpointEvent, networkEvent } from '../__testUtils__/events';
import { ClickHouseEventArchive } from './ClickHouseEventArchive';

jest.setTimeout(60_000);

describe('ClickHouseEventArchive on a real ClickHouse', () => {
  let server: Awaited<ReturnType<typeof startClickHouseServer>>;
  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps one row per event however often a batch is delivered, and aggregates per day', async () => {
    const archive = await ClickHouseEventArchive.create({
      url: server.url,
      database: 'mcpeeker_test',
    });
    const a = endpointEvent({ port: 1, observedAt: '2026-11-20T10:00:00Z' });
    const b = endpointEvent({ port: 1, observedAt: '2026-11-21T10:00:00Z' });
    const n = networkEvent({ port: 1, observedAt: '2026-11-21T11:00:00Z' });
    const batch = [a, b, n].map(event => ({
      event,
      findingId: 'mcp_finding_one',
    }));
    await archive.append(batch);
    await archive.append(batch);
    expect(await archive.countByLayer('mcp_finding_one')).toEqual({
      endpoint: 2,
      network: 1,
    });
    expect(await archive.countByLayer("x' OR 1=1 --")).toEqual({});
    const daily = await archive.daily(new Date('2026-11-01T00:00:00Z'));
    expect(daily).toEqual([
      { day: '2026-11-20', layer: 'endpoint', events: 1 },
      { day: '2026-11-21', layer: 'endpoint', events: 1 },
      { day: '2026-11-21', layer: 'network', events: 1 },
    ]);
    await archive.close();
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(
      ClickHouseEventArchive.create({
        url: server.url,
        database: 'x; DROP TABLE y',
      }),
    ).rejects.toThrow(/plain identifier/);
  });
});
