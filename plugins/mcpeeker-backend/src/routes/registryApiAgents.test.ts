import { hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  registration,
} from '../__testUtils__/accessTestBackend';

jest.setTimeout(120_000);

const API = '/api/mcpeeker';
const CREDENTIAL = 'x-mcpeeker-agent-credential';
const access = accessTestBackend();

/**
 * `mcpeeker-agent policy` on a laptop reads the approved servers with the
 * agent's own enrolment: the Registry API, closed to anonymous callers,
 * takes an enrolled agent's credential for reading, and nowhere else.
 */
describe('the MCP Registry API read with an enrolled agent’s credential', () => {
  let server: any;
  let credential: string;
  let agentId: string;

  beforeAll(async () => {
    ({ server } = await access.start({}));
    const approved = await request(server)
      .post(`${API}/registry`)
      .set(as('dana'))
      .send(registration({ name: 'approved-github' }))
      .expect(201);
    await request(server)
      .post(`${API}/registry/${approved.body.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    await request(server)
      .post(`${API}/registry`)
      .set(as('dana'))
      .send(
        registration({
          name: 'still-pending',
          identity: { hostIdHash: hashIdentifier('other', 's'), port: 4100 },
        }),
      )
      .expect(201);
    const { body } = await request(server)
      .post(`${API}/agents/enrolments`)
      .set(as('pat'))
      .send({ owner: 'user:default/dana' })
      .expect(201);
    const enrolled = await request(server)
      .post(`${API}/agents/enrol`)
      .send({
        secret: body.secret,
        hostIdHash: hashIdentifier('policy-laptop', 's'),
      })
      .expect(201);
    credential = enrolled.body.credential;
    agentId = enrolled.body.id;
  });

  const servers = (headers: Record<string, string | undefined>) =>
    request(server)
      .get(`${API}/v0.1/servers`)
      .set(headers as Record<string, string>);

  it('serves the approved servers, and only those, to an enrolled agent', async () => {
    const res = await servers({ [CREDENTIAL]: credential }).expect(200);
    const names = res.body.servers.map((s: any) => s.server.name);
    expect(names).toEqual([expect.stringMatching(/\/approved-github$/)]);
    const name = encodeURIComponent(res.body.servers[0].server.name);
    await request(server)
      .get(`${API}/v0.1/servers/${name}/versions/latest`)
      .set(CREDENTIAL, credential)
      .expect(200);
    // Users and services as before; nobody without a credential.
    await servers(as('dana')).expect(200);
    await servers(as('service')).expect(200);
    const anonymous = await servers({}).expect(401);
    expect(anonymous.body.error.name).toBe('AuthenticationError');
  });

  it('refuses an unknown credential, and takes none for anything but reading', async () => {
    const unknown = await servers({ [CREDENTIAL]: 'mcpa_not-one' }).expect(401);
    expect(unknown.body.error.message).toMatch(
      /Agent credential refused: unknown or revoked/,
    );
    // Read-only: nothing to write here, and the rest of the API wants a user.
    const write = await request(server)
      .post(`${API}/v0.1/servers`)
      .set(CREDENTIAL, credential)
      .send({});
    expect([404, 405]).toContain(write.status);
    await request(server)
      .get(`${API}/registry`)
      .set(CREDENTIAL, credential)
      .expect(401);
    await request(server)
      .get(`${API}/findings`)
      .set(CREDENTIAL, credential)
      .expect(401);
  });

  it('stops serving an agent once it is revoked', async () => {
    await request(server)
      .post(`${API}/agents/${agentId}/revoke`)
      .set(as('pat'))
      .expect(200);
    const res = await servers({ [CREDENTIAL]: credential }).expect(401);
    expect(res.body.error.message).toMatch(/unknown or revoked/);
    expect(JSON.stringify(res.body)).not.toContain('approved-github');
  });
});
