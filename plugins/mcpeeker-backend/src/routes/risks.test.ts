import { TestDatabaseId } from '@backstage/backend-test-utils';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import request from 'supertest';
import {
  accessTestBackend,
  as,
  registration,
} from '../__testUtils__/accessTestBackend';
import {
  endpointEvent,
  GITHUB_RISKS,
  HOST,
  riskFact,
} from '../__testUtils__/events';
import { STORE_TEST_DATABASE_IDS } from '../__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

const access = accessTestBackend(STORE_TEST_DATABASE_IDS);
const api = '/api/mcpeeker';
const danas = compositeId({ hostIdHash: HOST, port: 3001 });
const erins = compositeId({ hostIdHash: HOST, port: 4000 });
const [secret, unpinned] = GITHUB_RISKS;
const rootFs = riskFact('broad-filesystem', "the folder it may use is '/'");

describe.each(access.ids)('risks on %s', databaseId => {
  let server: any;

  beforeAll(async () => {
    ({ server } = await access.start({}, databaseId as TestDatabaseId));
    // The agents scan again: dana's entry now holds a token and reaches '/', erin's is unpinned.
    await request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({
        events: [
          endpointEvent({
            observedAt: '2026-11-21T11:00:00Z',
            risks: [secret, rootFs],
          }),
          endpointEvent({
            port: 4000,
            owner: 'user:default/erin',
            observedAt: '2026-11-21T11:00:00Z',
            risks: [unpinned],
          }),
        ],
      })
      .expect(202);
  });

  const finding = async (id = danas) =>
    (await request(server).get(`${api}/findings/${id}`).set(as('sam'))).body;
  const listed = async (who: string, query: string) => {
    const res = await request(server)
      .get(`${api}/findings?${query}`)
      .set(as(who));
    return res.status === 200
      ? res.body.items.map((f: { compositeId: string }) => f.compositeId).sort()
      : [res.status, res.body.error.message];
  };
  const riskPoints = (f: any) =>
    f.breakdown.contributions
      .filter((c: any) => c.layer === 'risk')
      .map((c: any) => [c.riskKind, c.points]);

  it('shows a finding’s risks with their fix and place, and lists findings by their worst risk', async () => {
    const f = await finding();
    expect(f.signals.risks).toEqual([
      expect.objectContaining({
        kind: 'inline-secret',
        fix: secret.fix,
        location: secret.location,
      }),
      expect.objectContaining({ kind: 'broad-filesystem', fix: rootFs.fix }),
    ]);
    expect(f).toMatchObject({ score: 8, classification: 'suspect' });
    expect(riskPoints(f)).toEqual([
      ['inline-secret', 2],
      ['broad-filesystem', 0],
    ]);

    expect(await listed('sam', 'minRisk=high')).toEqual([danas]);
    expect(await listed('sam', 'minRisk=medium')).toEqual(
      [danas, erins].sort(),
    );
    // A developer's list is their own, whatever the filter.
    expect(await listed('erin', 'minRisk=low')).toEqual([erins]);
    expect(await listed('sam', 'minRisk=severe')).toEqual([
      400,
      expect.stringMatching(/^Invalid query: minRisk /),
    ]);
    // The export takes the same filter.
    const exported = await request(server)
      .get(`${api}/findings/export?format=json&minRisk=high`)
      .set(as('sam'))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(
      JSON.parse(exported.body).findings.map((x: any) => x.compositeId),
    ).toEqual([danas]);
  });

  it('lets an admin accept a kind of risk on an approved entry, audited: the finding stops counting it; withdrawn, it counts again', async () => {
    const entry = (
      await request(server)
        .post(`${api}/registry`)
        .set(as('dana'))
        .send(registration())
        .expect(201)
    ).body;
    const accept = (who: string, body: unknown) =>
      request(server)
        .post(`${api}/registry/${entry.id}/accept-risk`)
        .set(as(who))
        .send(body as object);
    const because = {
      kind: 'broad-filesystem',
      reason: 'it runs in a throwaway VM',
    };
    // Only an approved entry accepts a risk.
    expect((await accept('pat', because)).status).toBe(409);
    await request(server)
      .post(`${api}/registry/${entry.id}/approve`)
      .set(as('pat'))
      .send({})
      .expect(200);
    // Approved, its two high risks keep it suspect: 0 + 3 + 3.
    expect(await finding()).toMatchObject({
      score: 6,
      classification: 'suspect',
    });

    // Admins only; a bad body is a 400 naming the field.
    expect((await accept('dana', because)).status).toBe(403);
    expect((await accept('sam', because)).status).toBe(403);
    for (const [body, message] of [
      [{ ...because, kind: 'scary' }, /^Invalid accept-risk: kind /],
      [{ ...because, reason: 'ok' }, /reason must be at least 10/],
      [{ ...because, by: 'user:default/mallory' }, /unknown field by/],
    ] as const) {
      const res = await accept('pat', body);
      expect([res.status, res.body.error.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }

    const accepted = await accept('pat', because);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      acceptedRisks: [
        {
          kind: 'broad-filesystem',
          reason: 'it runs in a throwaway VM',
          by: 'user:default/pat',
          at: expect.any(String),
        },
      ],
      rescoredFindings: 1,
    });
    let f = await finding();
    expect(f).toMatchObject({ score: 3, classification: 'authorized' });
    expect(
      f.breakdown.contributions.find(
        (c: any) => c.riskKind === 'broad-filesystem',
      ),
    ).toMatchObject({
      points: 0,
      reason: expect.stringMatching(
        /accepted by user:default\/pat: it runs in a throwaway VM$/,
      ),
    });
    // The SARIF export says so of that fact, the way code scanning reads it; the token still counts.
    const sarif = await request(server)
      .get(`${api}/findings/export?format=sarif`)
      .set(as('sam'))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => done(null, text));
      });
    const factResults = JSON.parse(sarif.body).runs[0].results.filter(
      (r: any) =>
        r.properties.compositeId === danas && !/^MCPEEKER10/.test(r.ruleId),
    );
    expect(
      factResults.map((r: any) => [r.ruleId, r.suppressions ?? []]),
    ).toEqual([
      ['MCPEEKER001', []],
      [
        'MCPEEKER004',
        [
          {
            kind: 'external',
            status: 'accepted',
            justification:
              'accepted on its approved registry entry by user:default/pat: it runs in a throwaway VM',
          },
        ],
      ],
    ]);
    // Still listed as high: the token is not accepted.
    expect(await listed('sam', 'minRisk=high')).toEqual([danas]);
    await accept('pat', { ...because, kind: 'inline-secret' }).expect(200);
    f = await finding();
    expect(f.score).toBe(0);
    expect(await listed('sam', 'minRisk=low')).toEqual([erins]);

    // Withdrawn by an admin (not the owner), it counts again.
    const withdraw = (who: string, kind: string) =>
      request(server)
        .delete(`${api}/registry/${entry.id}/accept-risk/${kind}`)
        .set(as(who));
    expect((await withdraw('dana', 'broad-filesystem')).status).toBe(403);
    expect((await withdraw('pat', 'nonsense')).status).toBe(400);
    const withdrawn = await withdraw('pat', 'broad-filesystem');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.acceptedRisks.map((a: any) => a.kind)).toEqual([
      'inline-secret',
    ]);
    expect((await finding()).score).toBe(3);
    expect((await withdraw('pat', 'broad-filesystem')).status).toBe(404);

    const trail = await request(server)
      .get(`${api}/audit?entry=${entry.id}`)
      .set(as('sam'));
    expect(
      trail.body.items.map((r: any) => [r.action, r.actor, r.details.kind]),
    ).toEqual([
      ['withdraw-risk', 'user:default/pat', 'broad-filesystem'],
      ['accept-risk', 'user:default/pat', 'inline-secret'],
      ['accept-risk', 'user:default/pat', 'broad-filesystem'],
      ['approve', 'user:default/pat', undefined],
      ['create', 'user:default/dana', undefined],
    ]);
  });

  it('forgets a fixed or moved config’s facts at the next scan: gone from the finding and its score, resolved on its timeline', async () => {
    const port = 3201;
    const id = compositeId({ hostIdHash: HOST, port });
    const cursor = '/home/dana/.cursor/mcp.json';
    const project = '/home/dana/work/.mcp.json';
    const inFile = (fact: typeof secret, file: string) => ({
      ...fact,
      location: { ...fact.location!, file },
    });
    const scan = (observedAt: string, configs: Array<[string, unknown[]]>) =>
      request(server)
        .post(`${api}/events`)
        .set(as('service'))
        .send({
          events: configs.map(([configPath, risks]) =>
            endpointEvent({
              port,
              observedAt,
              configPath,
              risks: risks as any,
            }),
          ),
        })
        .expect(202);
    const seen = async () => {
      const f = (
        await request(server).get(`${api}/findings/${id}`).set(as('dana'))
      ).body;
      return {
        score: f.score,
        risks: (f.signals.risks ?? []).map((r: any) => [
          r.kind,
          r.location.file,
        ]),
        points: riskPoints(f),
      };
    };
    const timeline = async () =>
      (
        await request(server)
          .get(`${api}/findings/${id}/timeline`)
          .set(as('dana'))
          .expect(200)
      ).body.items
        .filter((i: any) => i.kind === 'score')
        .map((i: any) => i.summary);

    // Dana's Cursor config holds a token and gives the server '/'.
    await scan('2026-11-21T13:00:00Z', [
      [cursor, [secret, inFile(rootFs, cursor)]],
    ]);
    expect(await seen()).toEqual({
      score: 8,
      risks: [
        ['inline-secret', cursor],
        ['broad-filesystem', cursor],
      ],
      points: [
        ['inline-secret', 2],
        ['broad-filesystem', 0],
      ],
    });
    // She moves the server into her project's config, the token into the
    // environment; the next scan no longer finds it in the Cursor config.
    await scan('2026-11-21T13:10:00Z', [[project, [inFile(rootFs, project)]]]);
    expect(await seen()).toEqual({
      score: 8,
      risks: [['broad-filesystem', project]],
      points: [['broad-filesystem', 2]],
    });
    // (The endpoint counts each config entry it has seen, the old one too.)
    expect((await timeline()).at(-1)).toBe(
      'Score stays 8 (suspect): endpoint +6: the endpoint agent saw it (config ×2); risk +2: broad filesystem (+3, 2 counted: risk alone never makes a finding unauthorized); inline secret resolved: no longer reported (it added +2)',
    );
    // She narrows its folder: no risk is left.
    await scan('2026-11-21T13:20:00Z', [[project, []]]);
    expect(await seen()).toEqual({ score: 6, risks: [], points: [] });
    expect((await timeline()).at(-1)).toBe(
      'Score 8 → 6 (suspect): broad filesystem resolved: no longer reported (it added +2)',
    );
    expect(await listed('dana', 'minRisk=low')).not.toContain(id);
  });

  it('gives each owner of a shared host only the risk facts their endpoints reported (finding, list, exports, timeline); analysts all', async () => {
    const port = 3101;
    const shared = compositeId({ hostIdHash: HOST, port });
    const danasFile = '/home/dana/work/.mcp.json';
    const danasKey = {
      ...riskFact('inline-secret', 'env DANAS_KEY holds an API key'),
      location: { file: danasFile, jsonPath: '$.mcpServers.github.env' },
    };
    const erinsFile = '/home/erin/.cursor/mcp.json';
    const erinsRoot = {
      ...riskFact(
        'broad-filesystem',
        "the folder it may use is '/home/erin/private'",
      ),
      location: { file: erinsFile, jsonPath: '$.mcpServers.github.args[2]' },
    };
    // One server on one host, in dana's config and in erin's.
    await request(server)
      .post(`${api}/events`)
      .set(as('service'))
      .send({
        events: [
          endpointEvent({
            port,
            configPath: danasFile,
            observedAt: '2026-11-21T12:00:00Z',
            risks: [danasKey],
          }),
          endpointEvent({
            port,
            owner: 'user:default/erin',
            configPath: erinsFile,
            observedAt: '2026-11-21T12:00:00Z',
            risks: [erinsRoot],
          }),
        ],
      })
      .expect(202);
    const read = async (who: string, path: string) => {
      const res = await request(server)
        .get(`${api}${path}`)
        .set(as(who))
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.on('data', chunk => (text += chunk));
          r.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      return res.body as string;
    };
    const detail = async (who: string) =>
      JSON.parse(await read(who, `/findings/${shared}`));
    const risksSeen = (f: any) =>
      f.signals.risks.map((r: any) => [r.kind, r.location.file, r.owners]);

    const [dana, erin, sam] = await Promise.all(
      ['dana', 'erin', 'sam'].map(detail),
    );
    expect(risksSeen(dana)).toEqual([
      ['inline-secret', danasFile, ['user:default/dana']],
    ]);
    expect(risksSeen(erin)).toEqual([
      ['broad-filesystem', erinsFile, ['user:default/erin']],
    ]);
    expect(risksSeen(sam)).toEqual([...risksSeen(dana), ...risksSeen(erin)]);
    // One finding, one score: both kinds count, whoever reads it; the breakdown names kinds, not facts.
    expect([dana.score, erin.score]).toEqual([sam.score, sam.score]);
    expect(riskPoints(dana)).toEqual(riskPoints(sam));
    expect(riskPoints(sam).map(([kind]: string[]) => kind)).toEqual([
      'inline-secret',
      'broad-filesystem',
    ]);

    // Nowhere does dana read erin's file or what is in it, nor erin dana's.
    const erinsWords = /home\/erin|private/;
    const danasWords = /home\/dana\/work|DANAS_KEY/;
    for (const path of [
      `/findings/${shared}`,
      `/findings?serverName=github&limit=200`,
      '/findings/export?format=json',
      '/findings/export?format=csv',
      '/findings/export?format=sarif',
      `/findings/${shared}/timeline`,
    ]) {
      expect([path, await read('dana', path)]).toEqual([
        path,
        expect.not.stringMatching(erinsWords),
      ]);
      expect([path, await read('erin', path)]).toEqual([
        path,
        expect.not.stringMatching(danasWords),
      ]);
    }
    // The analyst's export holds both.
    const all = await read('sam', '/findings/export?format=json');
    expect(all).toMatch(erinsWords);
    expect(all).toMatch(danasWords);
  });
});
