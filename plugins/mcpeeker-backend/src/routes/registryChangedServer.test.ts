import {
  commandSignature,
  compositeId,
  createEvent,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
} from '../__testUtils__/accessTestBackend';
import { endpointEvent, HOST } from '../__testUtils__/events';

// Generous: a busy two-core machine.
jest.setTimeout(120_000);

const access = accessTestBackend();
const api = '/api/mcpeeker';
const PKG = '@modelcontextprotocol/server-filesystem';
const UNPINNED = ['-y', PKG, '/'];
const PINNED = ['-y', `${PKG}@2025.8.21`, '/'];
const idOf = (args: string[]) =>
  compositeId({
    hostIdHash: HOST,
    processSignature: commandSignature('npx', args),
  });

/** Dana's Cursor config entry `filesystem` as the agent reports it, with its scan's inventory. */
function filesystem(args: string[], observedAt: string): McpEvent {
  const {
    eventId: _id,
    schemaVersion: _v,
    ...content
  } = endpointEvent({ args, observedAt }) as any;
  return createEvent({
    ...content,
    compositeId: idOf(args),
    detection: { ...content.detection, serverName: 'filesystem' },
    scan: { configIds: [idOf(args)], unreadConfigs: [] },
  }) as McpEvent;
}

describe('a registered server its developer fixed', () => {
  let server: any;
  beforeAll(async () => {
    ({ server } = await access.start());
  });

  const send = (events: McpEvent[]) =>
    request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({ events })
      .expect(202);
  const finding = async (id: string) =>
    (
      await request(server)
        .get(`${api}/findings/${id}`)
        .set(as('dana'))
        .expect(200)
    ).body;
  const verify = async (id: string, who = 'dana') =>
    (
      await request(server)
        .post(`${api}/registry/${id}/verify`)
        .set(as(who))
        .expect(200)
    ).body;
  const standsFor = async (f: string) =>
    (
      await request(server)
        .get(`${api}/registry?finding=${f}&serverName=filesystem`)
        .set(as('dana'))
        .expect(200)
    ).body.items;

  it('is told it changed, moves the registration in one step, and the pinned server is then authorized and allowed', async () => {
    const old = idOf(UNPINNED);
    const pinned = idOf(PINNED);
    await send([filesystem(UNPINNED, '2026-12-01T09:00:00Z')]);
    // Dana registers it from its finding, as the form does.
    const created = await request(server)
      .post(`${api}/registry`)
      .set(as('dana'))
      .send({
        name: 'filesystem',
        team: 'group:default/team-a',
        purpose: 'Reads project files for the coding assistant',
        transport: 'stdio',
        expiresAt: inDays(90),
        identity: {
          compositeId: old,
          hostIdHash: HOST,
          packageId: PKG,
          packageArguments: ['/'],
        },
        fromFinding: old,
      })
      .expect(201);
    const id = created.body.id;

    // She follows the advice: pins the version. A new server to the agent.
    await send([filesystem(PINNED, '2026-12-02T09:00:00Z')]);
    expect((await finding(old)).breakdown.noLongerReported).toBeDefined();
    // The registration is not the pinned server's: no page may say it is.
    expect(await standsFor(pinned)).toEqual([]);
    expect((await standsFor(old)).map((e: any) => e.id)).toEqual([id]);

    // Pat approves the entry as registered: it covers the unpinned command only.
    await request(server)
      .post(`${api}/registry/${id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const live = await finding(pinned);
    expect(live.registryStatus).toBe('unregistered');
    expect(live.classification).not.toBe('authorized');

    // The entry's page tells them why, and what the server runs now.
    for (const who of ['dana', 'pat']) {
      const seen = await verify(id, who);
      expect(seen.detected).toBe(false);
      expect(seen.matches).toEqual([
        expect.objectContaining({
          compositeId: old,
          noLongerReported: expect.objectContaining({
            since: '2026-12-01T09:00:00.000Z',
          }),
        }),
      ]);
      expect(seen.changedServer).toMatchObject({
        finding: { compositeId: pinned, serverName: 'filesystem' },
        change: 'pinned',
        words: expect.stringMatching(
          /pins @modelcontextprotocol\/server-filesystem@2025\.8\.21; the registration names .* unpinned/,
        ),
      });
    }
    // Enforcement allows what was approved: the unpinned command.
    const servedBefore = (
      await request(server)
        .get(`${api}/v0.1/servers`)
        .set(as('sam'))
        .expect(200)
    ).body.servers;
    expect(servedBefore[0].server.packages[0]).toMatchObject({
      identifier: PKG,
    });
    expect(servedBefore[0].server.packages[0].version).toBeUndefined();

    // Nobody moves it onto another server, nor does anyone else.
    await request(server)
      .post(`${api}/registry/${id}/identity`)
      .set(as('dana'))
      .send({ fromFinding: idOf(['-y', 'other-package']) })
      .expect(409);
    await request(server)
      .post(`${api}/registry/${id}/identity`)
      .set(as('erin'))
      .send({ fromFinding: pinned })
      .expect(404);

    // Dana moves it to the pinned server: pending again, the old approval gone.
    const moved = await request(server)
      .post(`${api}/registry/${id}/identity`)
      .set(as('dana'))
      .send({ fromFinding: pinned })
      .expect(200);
    expect(moved.body).toMatchObject({
      status: 'pending',
      identity: {
        compositeId: pinned,
        hostIdHash: HOST,
        packageId: PKG,
        packageVersion: '2025.8.21',
        packageArguments: ['/'],
      },
    });
    expect(moved.body.decidedBy).toBeUndefined();
    expect(
      (await request(server).get(`${api}/v0.1/servers`).set(as('sam'))).body
        .servers,
    ).toEqual([]);
    expect((await standsFor(pinned)).map((e: any) => e.id)).toEqual([id]);
    expect((await verify(id)).changedServer).toBeUndefined();
    const audit = (
      await request(server)
        .get(`${api}/audit?entry=${id}`)
        .set(as('sam'))
        .expect(200)
    ).body.items;
    expect(audit.map((a: any) => a.action)).toContain('update-identity');
    expect(
      audit.find((a: any) => a.action === 'update-identity').details,
    ).toMatchObject({
      fromFinding: pinned,
      from: 'approved',
      to: 'pending',
      identityFrom: { compositeId: old },
      identityTo: { compositeId: pinned, packageVersion: '2025.8.21' },
    });
    // The move is a registry row like the others: it names its entry by
    // itself, with no other row of the entry on the page (here, the newest
    // thing Dana did), for whoever reads the log (analysts, admins); no one
    // else reads it, its owner included.
    for (const who of ['sam', 'pat'])
      expect(
        (
          await request(server)
            .get(`${api}/audit?actor=user:default/dana&limit=1`)
            .set(as(who))
            .expect(200)
        ).body.items,
      ).toEqual([
        expect.objectContaining({
          action: 'update-identity',
          entryId: id,
          entryName: 'filesystem',
        }),
      ]);
    for (const who of ['dana', 'erin'])
      await request(server)
        .get(`${api}/audit?entry=${id}`)
        .set(as(who))
        .expect(403);

    // Pat approves: the live finding is authorized, the pinned command allowed.
    await request(server)
      .post(`${api}/registry/${id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    const authorized = await finding(pinned);
    expect(authorized.registryStatus).toBe('approved');
    expect(authorized.classification).toBe('authorized');
    expect((await finding(old)).registryStatus).toBe('unregistered');
    // Each finding's timeline says the move: the live one's, to it; the old one's, from it.
    const timeline = async (of: string) =>
      (
        await request(server)
          .get(`${api}/findings/${of}/timeline`)
          .set(as('dana'))
          .expect(200)
      ).body.items.map((i: any) => i.summary);
    expect(await timeline(pinned)).toContain(
      "user:default/dana moved registry entry 'filesystem' to this server; it awaits approval again",
    );
    expect(await timeline(old)).toContain(
      "user:default/dana moved registry entry 'filesystem' from this server to the server it runs now; it awaits approval again",
    );
    const served = (
      await request(server)
        .get(`${api}/v0.1/servers`)
        .set(as('sam'))
        .expect(200)
    ).body.servers;
    expect(served[0].server.packages[0]).toMatchObject({
      identifier: PKG,
      version: '2025.8.21',
      packageArguments: [{ type: 'positional', value: '/' }],
    });
  });
});
