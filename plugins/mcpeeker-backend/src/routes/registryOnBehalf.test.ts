import request from 'supertest';
import {
  as,
  registration,
  accessTestBackend,
} from '../__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const access = accessTestBackend();
let server: any;

beforeAll(async () => {
  ({ server } = await access.start());
});

describe('registering for someone else', () => {
  it('lets an admin register a server for someone else, who then owns it, audited with both names', async () => {
    const res = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('pat'))
      .send(
        registration({
          name: 'erin-linear',
          owner: 'user:default/erin',
          identity: { packageId: 'erin-linear-mcp' },
          transport: 'stdio',
        }),
      );
    expect([res.status, res.body.owner, res.body.createdBy]).toEqual([
      201,
      'user:default/erin',
      'user:default/pat',
    ]);
    // Erin finds it among hers; the audit log says who registered it for whom.
    const hers = await request(server)
      .get(`/api/mcpeeker/registry/${res.body.id}`)
      .set(as('erin'));
    expect(hers.status).toBe(200);
    const trail = await request(server)
      .get(`/api/mcpeeker/audit?entry=${res.body.id}`)
      .set(as('pat'));
    expect(
      trail.body.items.map((e: any) => [e.action, e.actor, e.details.owner]),
    ).toEqual([['create', 'user:default/pat', 'user:default/erin']]);
    // A developer naming another owner is told why, and nothing is stored.
    const refused = await request(server)
      .post('/api/mcpeeker/registry')
      .set(as('dana'))
      .send(
        registration({
          name: 'for-erin',
          owner: 'user:default/erin',
          identity: { packageId: 'for-erin-mcp' },
        }),
      );
    expect([refused.status, refused.body.error?.message]).toEqual([
      400,
      'Invalid registration: owner must be you (user:default/dana); only admins register for others',
    ]);
    const all = await request(server)
      .get('/api/mcpeeker/registry')
      .set(as('pat'));
    expect(all.body.items.map((e: any) => e.name)).toEqual(['erin-linear']);
  });
});
