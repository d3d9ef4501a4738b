import { TestDatabaseId } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  inDays,
  registration,
} from '../__testUtils__/accessTestBackend';
import { endpointEvent, HOST, networkEvent } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
let server: any;
let knex: Knex;
const api = '/api/mcpeeker';
const danas = compositeId({ hostIdHash: HOST, port: 3001 });
const erins = compositeId({ hostIdHash: HOST, port: 4000 });
const id = (port: number) => compositeId({ hostIdHash: HOST, port });

describe.each(access.ids)('triage on %s', databaseId => {
  beforeAll(async () => {
    ({ server, knex } = await access.start({}, databaseId as TestDatabaseId));
  });

  const ingest = (...events: unknown[]) =>
    request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({ events })
      .expect(202);

  /** The composite ids `GET /findings` lists for sam with these query parameters. */
  async function listed(query: Record<string, string> = {}) {
    const res = await request(server)
      .get(`${api}/findings`)
      .query({ limit: '200', ...query })
      .set(as('sam'))
      .expect(200);
    return res.body.items.map((f: { compositeId: string }) => f.compositeId);
  }

  describe('feedback', () => {
    it('records who said what and when, audited; analysts read it, developers do not', async () => {
      const res = await request(server)
        .post(`${api}/findings/${danas}/feedback`)
        .set(as('sam'))
        .send({
          verdict: 'true-positive',
          note: 'Dana confirmed she runs it',
          tags: ['confirmed', 'dev-laptop'],
        });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        compositeId: danas,
        verdict: 'true-positive',
        note: 'Dana confirmed she runs it',
        tags: ['confirmed', 'dev-laptop'],
        author: 'user:default/sam',
        createdAt: expect.any(String),
      });
      expect(
        Math.abs(Date.parse(res.body.createdAt) - Date.now()),
      ).toBeLessThan(600_000);
      const audit = await request(server)
        .get(`${api}/audit`)
        .query({ entry: danas })
        .set(as('pat'))
        .expect(200);
      expect(audit.body.items[0]).toMatchObject({
        actor: 'user:default/sam',
        action: 'feedback',
        details: { verdict: 'true-positive', feedbackId: res.body.id },
      });
      const read = await request(server)
        .get(`${api}/findings/${danas}/feedback`)
        .set(as('pat'))
        .expect(200);
      expect(read.body.items.map((f: { id: string }) => f.id)).toEqual([
        res.body.id,
      ]);
      // The finding says its latest verdict.
      const finding = await request(server)
        .get(`${api}/findings/${danas}`)
        .set(as('dana'))
        .expect(200);
      expect(finding.body.triage).toEqual({
        status: 'open',
        verdict: 'true-positive',
      });

      for (const [who, method, status] of [
        ['dana', 'post', 403],
        ['dana', 'get', 403],
        ['erin', 'post', 403],
        ['nobody', 'get', 403],
      ] as const) {
        const r = await request(server)
          [method](`${api}/findings/${danas}/feedback`)
          .set(as(who))
          .send({ verdict: 'false-positive' });
        expect([who, method, r.status]).toEqual([who, method, status]);
      }
      await request(server)
        .post(`${api}/findings/mcp_${'0'.repeat(32)}/feedback`)
        .set(as('sam'))
        .send({ verdict: 'inconclusive' })
        .expect(404);
    });

    it('refuses bad feedback naming the field, and stores none of it', async () => {
      const before = await knex('mcpeeker_feedback').count({ n: '*' });
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [
          { verdict: 'false-positive', note: 'x'.repeat(4097) },
          /note must be at most 4096 characters/,
        ],
        [{ verdict: 'maybe' }, /verdict/],
        [
          { verdict: 'inconclusive', note: 'a NUL \u0000 here' },
          /note must not contain NUL/,
        ],
        [
          { verdict: 'inconclusive', tags: ['Not Allowed'] },
          /tags\.0 must be 1–64 characters/,
        ],
        [
          {
            verdict: 'inconclusive',
            tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
          },
          /tags must hold at most 20 tags/,
        ],
        [
          {
            verdict: 'true-positive',
            suppress: { scope: 'finding', reason: 'noise' },
          },
          /suppress is only for a false-positive verdict/,
        ],
        [
          { verdict: 'false-positive', suppress: { scope: 'finding' } },
          /suppress\.reason/,
        ],
        [
          {
            verdict: 'false-positive',
            suppress: { scope: 'server-on-team', reason: 'noise' },
          },
          /suppress\.team is required for scope server-on-team/,
        ],
        [
          {
            verdict: 'false-positive',
            suppress: {
              scope: 'server-on-team',
              reason: 'noise',
              team: 'group:default/ghosts',
            },
          },
          /suppress\.team group:default\/ghosts is not in the catalog/,
        ],
        [
          {
            verdict: 'false-positive',
            suppress: {
              scope: 'finding',
              reason: 'noise',
              expiresAt: inDays(-1),
            },
          },
          /suppress\.expiresAt must be in the future/,
        ],
        [{ verdict: 'inconclusive', author: 'user:default/pat' }, /author/],
      ];
      for (const [body, message] of bad) {
        const r = await request(server)
          .post(`${api}/findings/${danas}/feedback`)
          .set(as('sam'))
          .send(body);
        expect([r.status, r.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
      }
      expect(await knex('mcpeeker_feedback').count({ n: '*' })).toEqual(before);
    });
  });

  describe('suppression', () => {
    it.each([
      // scope, its fields, what it hides, what it leaves (Erin's: not on team-a), a new port
      ['finding', {}, [danas], [erins], 3002],
      ['command', {}, [danas, erins], [], 3003],
      [
        'server-on-team',
        { team: 'group:default/team-a' },
        [danas],
        [erins],
        3004,
      ],
    ] as const)(
      'a false positive suppressed by %s leaves the default list, new findings of its pattern too, until an admin revokes it',
      async (scope, extra, hidden, stillShown, newPort) => {
        const suppressedPattern = scope !== 'finding';
        const res = await request(server)
          .post(`${api}/findings/${danas}/feedback`)
          .set(as('sam'))
          .send({
            verdict: 'false-positive',
            note: 'a lab machine',
            suppress: { scope, reason: 'lab noise', ...extra },
          });
        expect(res.status).toBe(201);
        const { suppression } = res.body;
        expect(suppression).toMatchObject({
          scope,
          reason: 'lab noise',
          createdBy: 'user:default/sam',
          fromFinding: danas,
          active: true,
        });
        expect(await listed()).not.toEqual(expect.arrayContaining([danas]));
        for (const f of hidden) expect(await listed()).not.toContain(f);
        for (const f of stillShown) expect(await listed()).toContain(f);
        // Searchable when asked for, with its suppression.
        const all = await request(server)
          .get(`${api}/findings`)
          .query({ suppressed: 'include', limit: '200' })
          .set(as('sam'))
          .expect(200);
        expect(
          all.body.items.find((f: any) => f.compositeId === danas).triage
            .suppression,
        ).toEqual({
          id: suppression.id,
          scope,
          label: suppression.label,
          reason: 'lab noise',
        });
        expect(await listed({ suppressed: 'only' })).toEqual(
          expect.arrayContaining(hidden),
        );

        // A new finding of the same server on Dana's endpoint: it arrives suppressed (or, by finding, not).
        await ingest(endpointEvent({ port: newPort }));
        expect((await listed()).includes(id(newPort))).toBe(!suppressedPattern);

        // Exactly the findings it hides (the ones showing it), as its count on the Suppressions page links to them.
        const shown = await request(server)
          .get(`${api}/findings`)
          .query({ suppressed: 'only', limit: '200' })
          .set(as('sam'))
          .expect(200);
        const its = shown.body.items
          .filter((f: any) => f.triage.suppression.id === suppression.id)
          .map((f: any) => f.compositeId)
          .sort();
        expect(its).toEqual(
          expect.arrayContaining([
            ...hidden,
            ...(suppressedPattern ? [id(newPort)] : []),
          ]),
        );
        const byIt = await request(server)
          .get(`${api}/findings`)
          .query({ suppressed: 'only', suppression: suppression.id })
          .set(as('sam'))
          .expect(200);
        expect([
          byIt.body.totalCount,
          byIt.body.items.map((f: any) => f.compositeId).sort(),
        ]).toEqual([its.length, its]);

        // The same pattern again is a conflict.
        const again = await request(server)
          .post(`${api}/findings/${danas}/feedback`)
          .set(as('pat'))
          .send({
            verdict: 'false-positive',
            suppress: { scope, reason: 'again', ...extra },
          });
        expect(again.status).toBe(409);

        // Only admins revoke.
        await request(server)
          .delete(`${api}/suppressions/${suppression.id}`)
          .set(as('sam'))
          .send({ reason: 'not mine to lift' })
          .expect(403);
        const revoked = await request(server)
          .delete(`${api}/suppressions/${suppression.id}`)
          .set(as('pat'))
          .send({ reason: 'the lab is gone' })
          .expect(200);
        expect(revoked.body).toMatchObject({
          active: false,
          revokedBy: 'user:default/pat',
          revokeReason: 'the lab is gone',
        });
        expect(await listed()).toEqual(
          expect.arrayContaining([...hidden, id(newPort)]),
        );
        await request(server)
          .delete(`${api}/suppressions/${suppression.id}`)
          .set(as('pat'))
          .expect(409);
      },
    );

    it('is listed for analysts, made by POST /suppressions with its scope’s fields, and refused to developers', async () => {
      const made = await request(server)
        .post(`${api}/suppressions`)
        .set(as('sam'))
        .send({
          scope: 'server-on-team',
          serverName: 'github',
          team: 'group:default/team-b',
          reason: 'team-b builds it',
          expiresAt: inDays(30),
        });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({
        label: 'github on group:default/team-b',
        active: true,
      });
      expect(await listed()).not.toContain(erins);
      expect(await listed()).toContain(danas);
      const active = await request(server)
        .get(`${api}/suppressions`)
        .query({ active: 'true' })
        .set(as('sam'))
        .expect(200);
      expect(active.body.items.map((s: { id: string }) => s.id)).toEqual([
        made.body.id,
      ]);
      const inactive = await request(server)
        .get(`${api}/suppressions?active=false`)
        .set(as('pat'))
        .expect(200);
      expect(inactive.body.items.length).toBeGreaterThanOrEqual(3);
      expect(
        inactive.body.items.every((s: { active: boolean }) => !s.active),
      ).toBe(true);

      const bad: Array<[Record<string, unknown>, number, RegExp]> = [
        [{ scope: 'finding', reason: 'x' }, 400, /compositeId is required/],
        [
          {
            scope: 'finding',
            compositeId: danas,
            team: 'group:default/team-a',
            reason: 'x',
          },
          400,
          /team is not used by scope finding/,
        ],
        [
          { scope: 'command', commandSignatureHash: 'abc', reason: 'x' },
          400,
          /commandSignatureHash must be a SHA-256/,
        ],
        [
          {
            scope: 'finding',
            compositeId: `mcp_${'1'.repeat(32)}`,
            reason: 'x',
          },
          400,
          /compositeId mcp_1+ is no finding/,
        ],
        [
          { scope: 'finding', compositeId: danas, reason: 'x'.repeat(1025) },
          400,
          /reason must be at most 1024/,
        ],
        [
          {
            scope: 'finding',
            compositeId: danas,
            reason: 'x',
            expiresAt: inDays(400),
          },
          400,
          /expiresAt must be at most 365 days ahead/,
        ],
        [{ scope: 'finding', compositeId: danas }, 400, /reason/],
        [
          {
            scope: 'server-on-team',
            serverName: 'github',
            team: 'group:default/team-b',
            reason: 'twice',
          },
          409,
          /suppressed already/,
        ],
      ];
      for (const [body, status, message] of bad) {
        const r = await request(server)
          .post(`${api}/suppressions`)
          .set(as('sam'))
          .send(body);
        expect([r.status, r.body.error?.message]).toEqual([
          status,
          expect.stringMatching(message),
        ]);
      }
      for (const who of ['dana', 'erin', 'nobody']) {
        await request(server)
          .get(`${api}/suppressions`)
          .set(as(who))
          .expect(403);
        await request(server)
          .post(`${api}/suppressions`)
          .set(as(who))
          .send({ scope: 'finding', compositeId: danas, reason: 'mine' })
          .expect(403);
      }
      await request(server)
        .delete(`${api}/suppressions/${made.body.id}`)
        .set(as('pat'))
        .expect(200);
    });
  });

  describe('triage status and assignee', () => {
    it('sets them, lists by them, and keeps developers out', async () => {
      const patch = (who: string, body: object) =>
        request(server)
          .patch(`${api}/findings/${erins}/triage`)
          .set(as(who))
          .send(body);
      const res = await patch('sam', {
        status: 'investigating',
        assignee: 'user:default/sam',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'investigating',
        assignee: 'user:default/sam',
      });
      expect(await listed({ status: 'investigating' })).toEqual([erins]);
      expect(await listed({ status: 'investigating,resolved' })).toEqual([
        erins,
      ]);
      expect(await listed({ assignee: 'user:default/sam' })).toEqual([erins]);
      expect(await listed({ assignee: 'none' })).not.toContain(erins);
      // Dana's finding: true positive first, a false positive since (the suppressions above).
      expect(await listed({ verdict: 'false-positive' })).toEqual([danas]);
      expect(await listed({ verdict: 'true-positive' })).toEqual([]);
      expect(await listed({ verdict: 'none' })).toContain(erins);
      expect(await listed({ verdict: 'none' })).not.toContain(danas);

      // A cursor belongs to its filters.
      const page = await request(server)
        .get(`${api}/findings`)
        .query({ limit: '1', status: 'open' })
        .set(as('sam'))
        .expect(200);
      expect(page.body.nextCursor).toBeDefined();
      await request(server)
        .get(`${api}/findings`)
        .query({ limit: '1', status: 'resolved', cursor: page.body.nextCursor })
        .set(as('sam'))
        .expect(400);

      expect((await patch('pat', { assignee: null })).body).toEqual({
        status: 'investigating',
      });
      for (const [body, message] of [
        [{}, /nothing to change/],
        [{ status: 'closed' }, /status/],
        [
          { assignee: 'group:default/team-a' },
          /assignee must be a user entity ref/,
        ],
        [
          { assignee: 'user:default/ghost' },
          /assignee user:default\/ghost is not in the catalog/,
        ],
        // Longer than any entity name: refused as a ref, not echoed back.
        [
          { assignee: `user:default/${'x'.repeat(300)}` },
          /assignee must be a user entity ref/,
        ],
      ] as const) {
        const r = await patch('sam', body);
        expect([r.status, r.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
        expect(JSON.stringify(r.body)).not.toContain('x'.repeat(64));
      }
      for (const [q, message] of [
        [{ status: 'closed' }, /status/],
        [{ suppressed: 'hide' }, /suppressed/],
        [{ assignee: 'sam' }, /assignee must be a user entity ref/],
        [
          { assignee: `user:default/${'x'.repeat(64)}` },
          /assignee must be a user entity ref/,
        ],
        [{ verdict: 'maybe' }, /verdict/],
        [{ suppression: 'github' }, /suppression must be a suppression id/],
        [
          {
            suppression: '6f1c1a52-3b1e-4c53-9d59-1b0f2a7c9e10',
          },
          /suppression selects hidden findings; give suppressed=only/,
        ],
      ] as const) {
        const r = await request(server)
          .get(`${api}/findings`)
          .query(q)
          .set(as('sam'));
        expect([r.status, r.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
      }
      expect((await patch('dana', { status: 'resolved' })).status).toBe(403);
      expect((await patch('erin', { status: 'resolved' })).status).toBe(403);
      await request(server)
        .patch(`${api}/findings/mcp_${'0'.repeat(32)}/triage`)
        .set(as('sam'))
        .send({ status: 'resolved' })
        .expect(404);
    });
  });

  describe('timeline', () => {
    it('tells a finding’s story from what is stored, in order, notes only to those who may read them', async () => {
      const port = 3900;
      const finding = id(port);
      const minutesAgo = (m: number) =>
        new Date(Date.now() - m * 60_000).toISOString();
      await ingest(endpointEvent({ port, observedAt: minutesAgo(1) }));
      await ingest(
        networkEvent({ port, observedAt: new Date().toISOString() }),
      );
      const entry = await request(server)
        .post(`${api}/registry`)
        .set(as('dana'))
        .send(
          registration({
            name: 'dana-github',
            identity: { hostIdHash: HOST, port },
          }),
        )
        .expect(201);
      await request(server)
        .post(`${api}/registry/${entry.body.id}/approve`)
        .set(as('pat'))
        .send({ reason: 'needed for the release' })
        .expect(200);
      await request(server)
        .post(`${api}/findings/${finding}/feedback`)
        .set(as('sam'))
        .send({
          verdict: 'false-positive',
          note: 'approved and harmless',
          suppress: { scope: 'finding', reason: 'approved, no need to see it' },
        })
        .expect(201);

      const timeline = async (who: string) => {
        const res = await request(server)
          .get(`${api}/findings/${finding}/timeline`)
          .set(as(who));
        expect(res.status).toBe(200);
        return res.body.items as Array<{
          kind: string;
          summary: string;
          at: string;
          score?: number;
        }>;
      };
      const items = await timeline('sam');
      expect(items.map(i => i.kind)).toEqual([
        'first-seen',
        'score',
        'evidence',
        'score',
        'registry',
        'registry',
        'score',
        'feedback',
        'suppression',
      ]);
      const at = items.map(i => Date.parse(i.at));
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(items.map(i => i.summary)).toEqual([
        'First seen on the endpoint (1 event)',
        expect.stringMatching(/^Scored 6 \(suspect\): endpoint \+6: /),
        'Seen for the first time on the network (1 event)',
        expect.stringMatching(
          /^Score 6 → 9 \(suspect → unauthorized\): network \+3: MCP traffic on the network/,
        ),
        "Registry entry 'dana-github' registered by user:default/dana",
        "Registry entry 'dana-github' approved by user:default/pat: needed for the release",
        expect.stringMatching(
          /^Score 9 → 3 \(unauthorized → authorized, registry unregistered → approved\): registry -6: matches the approved registry entry 'dana-github'/,
        ),
        'user:default/sam marked it a false positive: "approved and harmless"',
        `Suppressed by user:default/sam: github (${finding}) (approved, no need to see it)`,
      ]);
      expect(items[6].score).toBe(3);

      // Dana reads her own finding's story, without the analyst's note.
      const danasView = await timeline('dana');
      expect(danasView.map(i => i.kind)).toEqual(items.map(i => i.kind));
      expect(danasView[7].summary).toBe(
        'user:default/sam marked it a false positive',
      );
      expect(JSON.stringify(danasView)).not.toContain('approved and harmless');
      // Someone else's finding is as absent as one that does not exist.
      await request(server)
        .get(`${api}/findings/${finding}/timeline`)
        .set(as('erin'))
        .expect(404);
      await request(server)
        .get(`${api}/findings/${finding}/timeline`)
        .set(as('nobody'))
        .expect(403);
    });
  });
});
