import request from 'supertest';
import { accessTestBackend, as } from '../__testUtils__/accessTestBackend';
import { endpointEvent } from '../__testUtils__/events';

jest.setTimeout(120_000);

const access = accessTestBackend();
let server: any;

beforeAll(async () => {
  ({ server } = await access.start());
});

describe('GET /dead-letters: the events MCPeeker refused, and why', () => {
  it('shows analysts and admins each refused event with its reason, and nobody else', async () => {
    const bad: any = endpointEvent({ port: 4100 });
    bad.detection.scope = 'galaxy';
    await request(server)
      .post('/api/mcpeeker/events')
      .set(as('service'))
      .send({ events: [bad, endpointEvent({ port: 4101 })] })
      .expect(400);
    for (const who of ['sam', 'pat']) {
      const res = await request(server)
        .get('/api/mcpeeker/dead-letters?limit=10')
        .set(as(who))
        .expect(200);
      expect(res.body.total).toBeGreaterThanOrEqual(1);
      expect(res.body.items[0]).toMatchObject({
        transport: 'http',
        layer: 'endpoint',
        reason: expect.stringContaining('detection.scope'),
      });
    }
    await request(server)
      .get('/api/mcpeeker/dead-letters')
      .set(as('dana'))
      .expect(403);
    await request(server).get('/api/mcpeeker/dead-letters').expect(401);
  });

  it('pages by the last id it showed, and says what is wrong with a bad query', async () => {
    for (let i = 0; i < 3; i++)
      await request(server)
        .post('/api/mcpeeker/events')
        .set(as('service'))
        .send({ events: [`not an event ${i}`] });
    const first = await request(server)
      .get('/api/mcpeeker/dead-letters?limit=2')
      .set(as('sam'))
      .expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await request(server)
      .get(`/api/mcpeeker/dead-letters?limit=2&before=${first.body.nextBefore}`)
      .set(as('sam'))
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(Number(second.body.items[0].id)).toBeLessThan(
      Number(first.body.items[1].id),
    );
    const bad = await request(server)
      .get('/api/mcpeeker/dead-letters?before=1;drop')
      .set(as('sam'))
      .expect(400);
    expect(bad.body.error.message).toContain('before');
  });
});
