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
import { HOST } from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';
import { AuditLog } from '../database/AuditLog';
import { RegistryStore } from '../database/RegistryStore';

jest.setTimeout(60_000);

const AUDIT_KEY = 'renewal-test-audit-key-0123456789abcdef';
const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
const api = '/api/mcpeeker';
const findingId = compositeId({ hostIdHash: HOST, port: 3001 });

describe.each(access.ids)(
  'renewing an expired registry entry on %s',
  databaseId => {
    let server: any;
    let knex: Knex;
    let notices: Array<{ recipients: any; payload: any }>;
    let id: string;

    beforeAll(async () => {
      ({ server, knex, notices } = await access.start(
        { audit: { hmacKey: AUDIT_KEY } },
        databaseId as TestDatabaseId,
      ));
    });

    /** Its date passes, and the expiry job (another replica's) marks it expired. */
    async function letExpire(entryId: string, runJob = true) {
      await knex('mcpeeker_registry_entries')
        .where('id', entryId)
        .update({ expires_at: new Date(Date.now() - 60_000) });
      if (runJob)
        await new RegistryStore(knex, new AuditLog(AUDIT_KEY)).expireDue();
    }

    const renew = (who: string, body: unknown, entryId = id) =>
      request(server)
        .post(`${api}/registry/${entryId}/renew`)
        .set(as(who))
        .send(body as object);

    const finding = async () =>
      (await request(server).get(`${api}/findings/${findingId}`).set(as('sam')))
        .body;

    it('does not bring an approved entry past its date back by editing its date', async () => {
      id = (
        await request(server)
          .post(`${api}/registry`)
          .set(as('dana'))
          .send(registration())
          .expect(201)
      ).body.id;
      await request(server)
        .post(`${api}/registry/${id}/approve`)
        .set(as('pat'))
        .send({})
        .expect(200);
      expect(await finding()).toMatchObject({ registryStatus: 'approved' });

      // Past its date, before the hourly job marked it: a new date alone changes nothing.
      await letExpire(id, false);
      const edit = await request(server)
        .patch(`${api}/registry/${id}`)
        .set(as('dana'))
        .send({ expiresAt: inDays(90) });
      expect([edit.status, edit.body.error.message]).toEqual([
        409,
        expect.stringMatching(/^status: the entry has expired .* renew it/),
      ]);
      await letExpire(id);
      const expired = await request(server)
        .get(`${api}/registry/${id}`)
        .set(as('dana'));
      expect(expired.body.status).toBe('expired');
    });

    it('refuses a bad renewal naming the field, and who may not renew', async () => {
      const bad: Array<[unknown, RegExp]> = [
        [{}, /^Invalid renewal: expiresAt /],
        [{ expiresAt: 'next year' }, /^Invalid renewal: expiresAt /],
        [{ expiresAt: inDays(400) }, /^expiresAt must be at most 365 days/],
        [{ expiresAt: inDays(-1) }, /^expiresAt must be in the future/],
        [
          { expiresAt: inDays(30), reason: 'x'.repeat(1025) },
          /reason must be at most 1024 characters/,
        ],
        [{ expiresAt: inDays(30), status: 'approved' }, /unknown field status/],
      ];
      for (const [body, message] of bad) {
        const r = await renew('dana', body);
        expect([r.status, r.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
        // An error body says what is wrong, nothing of the request or the server.
        expect(r.body.error.stack).toBeUndefined();
      }
      for (const [who, status] of [
        ['erin', 404],
        ['sam', 403],
        ['nobody', 403],
        ['service', 403],
        ['unauthenticated', 401],
      ] as const)
        expect([
          who,
          (await renew(who, { expiresAt: inDays(30) })).status,
        ]).toEqual([who, status]);
      const still = await request(server)
        .get(`${api}/registry/${id}`)
        .set(as('pat'));
      expect(still.body.status).toBe('expired');
    });

    it('sends its owner’s renewal back to the admins: pending, and its finding stays flagged until an admin approves', async () => {
      const before = notices.length;
      const r = await renew('dana', {
        expiresAt: inDays(180),
        reason: 'Still triaging issues with it',
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'pending', rescoredFindings: 1 });
      expect(r.body.decidedBy).toBeUndefined();
      expect(Date.parse(r.body.expiresAt)).toBeGreaterThan(
        Date.now() + 179 * 86_400_000,
      );
      expect(await finding()).toMatchObject({
        score: 6,
        registryStatus: 'unregistered',
      });
      // The admins hear of it as of a registration that awaits them.
      expect(
        notices
          .slice(before)
          .map(n => [n.payload.title, n.payload.scope, n.recipients.entityRef]),
      ).toEqual([
        [
          "MCP server 'github-mcp' awaits approval again",
          `mcpeeker-registry:${id}:submitted`,
          ['group:default/platform-admins'],
        ],
      ]);
      expect(notices.at(-1)!.payload.description).toMatch(
        /^It expired; user:default\/dana asks to renew it until \d{4}-\d\d-\d\d for group:default\/team-a: Still triaging issues with it\.$/,
      );
      // Once is enough: it is no longer expired.
      const again = await renew('dana', { expiresAt: inDays(200) });
      expect([again.status, again.body.error.message]).toEqual([
        409,
        'status: only an expired entry can be renewed; this one is pending (change its expiry instead)',
      ]);

      await request(server)
        .post(`${api}/registry/${id}/approve`)
        .set(as('pat'))
        .send({})
        .expect(200);
      expect(await finding()).toMatchObject({
        score: 0,
        registryStatus: 'approved',
      });
    });

    it('lets an admin renew an expired entry directly: approved again, its finding recognised, its owner told', async () => {
      await letExpire(id);
      const before = notices.length;
      const r = await renew('pat', {
        expiresAt: inDays(365),
        reason: 'Reviewed again',
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/pat',
        decisionReason: 'Reviewed again',
        rescoredFindings: 1,
      });
      expect(await finding()).toMatchObject({
        score: 0,
        registryStatus: 'approved',
      });
      expect(
        notices
          .slice(before)
          .map(n => [n.payload.title, n.recipients.entityRef]),
      ).toEqual([
        [
          "MCP registration 'github-mcp' was renewed",
          ['user:default/dana', 'group:default/team-a'],
        ],
      ]);

      // Every step is in the audit trail, whose chain holds.
      const trail = await request(server)
        .get(`${api}/audit?entry=${id}`)
        .set(as('pat'));
      expect(
        trail.body.items.map((e: any) => [e.action, e.actor, e.details.to]),
      ).toEqual([
        ['renew', 'user:default/pat', 'approved'],
        ['expire', 'system:mcpeeker-expiry', 'expired'],
        ['approve', 'user:default/pat', 'approved'],
        ['request-renewal', 'user:default/dana', 'pending'],
        ['expire', 'system:mcpeeker-expiry', 'expired'],
        ['approve', 'user:default/pat', 'approved'],
        ['create', 'user:default/dana', undefined],
      ]);
      expect(
        (await request(server).get(`${api}/audit/verify`).set(as('pat'))).body,
      ).toMatchObject({ ok: true });
      // The finding's timeline says so.
      const timeline = await request(server)
        .get(`${api}/findings/${findingId}/timeline`)
        .set(as('sam'))
        .expect(200);
      expect(timeline.body.items.map((e: any) => e.summary)).toEqual(
        expect.arrayContaining([
          "Registry entry 'github-mcp' sent back for approval to be renewed by user:default/dana: Still triaging issues with it",
          "Registry entry 'github-mcp' renewed by user:default/pat: Reviewed again",
        ]),
      );
    });

    it('renews only what expired, and not over a newer registration of the same server', async () => {
      await request(server)
        .post(`${api}/registry/${id}/revoke`)
        .set(as('pat'))
        .send({})
        .expect(200);
      const revoked = await renew('pat', { expiresAt: inDays(30) });
      expect([revoked.status, revoked.body.error.message]).toEqual([
        409,
        'status: only an expired entry can be renewed; this one is revoked',
      ]);

      const other = (
        await request(server)
          .post(`${api}/registry`)
          .set(as('dana'))
          .send(
            registration({
              name: 'linear',
              identity: { packageId: 'linear-mcp' },
            }),
          )
          .expect(201)
      ).body.id;
      await letExpire(other);
      // Registered anew since it expired: the old entry stays expired.
      const anew = (
        await request(server)
          .post(`${api}/registry`)
          .set(as('dana'))
          .send(
            registration({
              name: 'linear',
              identity: { packageId: 'linear-mcp' },
            }),
          )
          .expect(201)
      ).body.id;
      const r = await renew('dana', { expiresAt: inDays(30) }, other);
      expect([r.status, r.body.error.message]).toEqual([
        409,
        `identity: this server is registered again (entry ${anew}, pending)`,
      ]);
    });

    it('counts an approved entry past its date for nothing before the expiry job marks it: no risk can be accepted on it', async () => {
      const fresh = (
        await request(server)
          .post(`${api}/registry`)
          .set(as('dana'))
          .send(registration())
          .expect(201)
      ).body.id;
      await request(server)
        .post(`${api}/registry/${fresh}/approve`)
        .set(as('pat'))
        .send({})
        .expect(200);
      expect(await finding()).toMatchObject({
        score: 0,
        registryStatus: 'approved',
      });

      // Its date passes; the expiry job has not run.
      await letExpire(fresh, false);
      // No risk is accepted on it: its approval no longer stands.
      const accept = await request(server)
        .post(`${api}/registry/${fresh}/accept-risk`)
        .set(as('pat'))
        .send({
          kind: 'plain-http-remote',
          reason: 'It only listens on the loopback interface',
        });
      expect([accept.status, accept.body.error?.message]).toEqual([
        409,
        'status: only an approved entry can accept a risk; this one is expired',
      ]);
      expect(
        (await request(server).get(`${api}/registry/${fresh}`).set(as('pat')))
          .body.acceptedRisks,
      ).toBeUndefined();
    });
  },
);
