import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import {
  FindingStoreKind,
  findingStoreEngines,
} from '../__testUtils__/findingStores';
import { endpointEvent, HOST, networkEvent } from '../__testUtils__/events';
import { commandSignatureHashOf } from '../services/correlation/correlate';
import { AuditLog } from './AuditLog';
import { ScoreHistory } from './ScoreHistory';
import { TriageStore } from './TriageStore';

jest.setTimeout(60_000);

const engines = findingStoreEngines();
const id = (port: number) => compositeId({ hostIdHash: HOST, port });
const GITHUB = commandSignatureHashOf('npx', [
  '-y',
  '@modelcontextprotocol/server-github',
]);

/** A finding store with triage as the plugin wires it, on a clock the test moves. */
async function setup(kind: FindingStoreKind) {
  const clock = { now: new Date() };
  // The store takes the lookup before the database it reads exists.
  const late: { triage?: TriageStore } = {};
  const store = await engines.setup(kind, {
    triage: { match: f => late.triage!.match(f) },
  });
  const audit = new AuditLog('test-audit-key');
  const triage = new TriageStore(store.knex, audit, () => clock.now);
  late.triage = triage;
  triage.rescoreWith(target => store.findings.rescore(target));
  await triage.refresh();
  const listed = async (
    suppressed: 'exclude' | 'include' | 'only' = 'exclude',
  ) =>
    (await store.findings.list({ limit: 50, suppressed })).items
      .map(f => f.compositeId)
      .sort();
  return { ...store, triage, audit, clock, listed };
}

describe.each(engines.kinds)('triage on %p', kind => {
  it('hides what a suppression of each scope matches, new findings of its pattern too, until it is revoked', async () => {
    const { ingest, findings, triage, listed } = await setup(kind);
    await ingest.ingest(
      [
        endpointEvent({ port: 3001 }),
        endpointEvent({ port: 4000, owner: 'user:default/erin' }),
        // A shared host's server: dana's and erin's evidence.
        endpointEvent({ port: 4100 }),
        endpointEvent({ port: 4100, owner: 'user:default/erin' }),
        endpointEvent({ port: 4200, args: ['-y', 'other-server'] }),
      ],
      'http',
    );
    const all = [id(3001), id(4000), id(4100), id(4200)].sort();
    expect(await listed()).toEqual(all);
    expect((await findings.get(id(3001)))!.commandSignatureHash).toBe(GITHUB);

    // One finding.
    const one = await triage.createSuppression(
      {
        scope: 'finding',
        compositeId: id(3001),
        reason: 'a lab machine',
        serverNameOfFinding: 'github',
      },
      'user:default/sam',
    );
    expect(one).toMatchObject({
      label: `github (${id(3001)})`,
      createdBy: 'user:default/sam',
      active: true,
    });
    expect(await listed('exclude')).toEqual(all.filter(f => f !== id(3001)));
    expect(await listed('only')).toEqual([id(3001)]);
    expect(await listed('include')).toEqual(all);
    expect(
      (await findings.list({ limit: 50 })).items.map(f => f.compositeId).sort(),
    ).toEqual(all);
    expect((await findings.get(id(3001)))!.triage).toEqual({
      status: 'open',
      suppression: {
        id: one.id,
        scope: 'finding',
        label: `github (${id(3001)})`,
        reason: 'a lab machine',
      },
    });
    // The same pattern twice is refused.
    await expect(
      triage.createSuppression(
        { scope: 'finding', compositeId: id(3001), reason: 'again' },
        'user:default/pat',
      ),
    ).rejects.toThrow(/suppressed already/);
    await triage.revokeSuppression(one.id, 'user:default/pat', 'not a lab');
    expect(await listed('exclude')).toEqual(all);
    expect((await findings.get(id(3001)))!.triage).toEqual({ status: 'open' });

    // A stdio command, wherever it runs: and a server started the same way later.
    const command = await triage.createSuppression(
      {
        scope: 'command',
        commandSignatureHash: GITHUB,
        reason: 'the github server is fine',
      },
      'user:default/sam',
    );
    expect(await listed('only')).toEqual([id(3001), id(4000), id(4100)].sort());
    await ingest.ingest([endpointEvent({ port: 5000 })], 'http');
    expect((await findings.get(id(5000)))!.triage.suppression?.id).toBe(
      command.id,
    );
    // What one suppression hides, counted exactly: the Suppressions page's count and link.
    const hiddenBy = async (suppressionId: string) => {
      const page = await findings.list({
        limit: 2,
        suppressed: 'only',
        suppressionId,
      });
      return { count: page.totalCount, first: page.items[0]?.compositeId };
    };
    expect(await hiddenBy(command.id)).toMatchObject({ count: 4 });
    expect(await hiddenBy(one.id)).toEqual({ count: 0, first: undefined });
    // A finding two suppressions match counts for the one it shows, the most specific.
    const alsoOne = await triage.createSuppression(
      { scope: 'finding', compositeId: id(4000), reason: 'erin’s lab' },
      'user:default/sam',
    );
    expect(await hiddenBy(alsoOne.id)).toEqual({ count: 1, first: id(4000) });
    expect(await hiddenBy(command.id)).toMatchObject({ count: 3 });
    await triage.revokeSuppression(alsoOne.id, 'user:default/pat');
    expect(await hiddenBy(command.id)).toMatchObject({ count: 4 });
    expect(await listed('exclude')).toEqual([id(4200)]);
    await triage.revokeSuppression(command.id, 'user:default/pat');
    expect(await listed('only')).toEqual([]);

    // A server name on one team's endpoints: a finding with anyone else's evidence stays.
    const team = await triage.createSuppression(
      {
        scope: 'server-on-team',
        serverName: 'github',
        team: 'group:default/team-a',
        teamMembers: ['user:default/dana'],
        reason: 'team-a uses it for triage',
      },
      'user:default/sam',
    );
    expect(team.label).toBe('github on group:default/team-a');
    expect(await listed('only')).toEqual([id(3001), id(4200), id(5000)].sort());
    await ingest.ingest([endpointEvent({ port: 6000 })], 'http');
    expect((await findings.get(id(6000)))!.triage.suppression?.label).toBe(
      'github on group:default/team-a',
    );
    // Erin joins the team: her finding follows (the shared one too).
    await triage.refreshTeams(
      async teams =>
        new Map(
          teams.map(t => [t, ['user:default/dana', 'user:default/erin']]),
        ),
    );
    expect(await listed('exclude')).toEqual([]);
  });

  it('brings a finding back when its suppression expires', async () => {
    const { ingest, triage, clock, listed, knex } = await setup(kind);
    await ingest.ingest([endpointEvent({ port: 3001 })], 'http');
    const s = await triage.createSuppression(
      {
        scope: 'finding',
        compositeId: id(3001),
        reason: 'for an hour',
        expiresAt: new Date(clock.now.getTime() + 3_600_000).toISOString(),
      },
      'user:default/sam',
    );
    expect(await listed()).toEqual([]);
    clock.now = new Date(clock.now.getTime() + 2 * 3_600_000);
    expect((await triage.expireDue()).map(e => e.id)).toEqual([s.id]);
    expect(await listed()).toEqual([id(3001)]);
    expect(await triage.getSuppression(s.id)).toMatchObject({
      active: false,
    });
    expect(await triage.listSuppressions({ active: true })).toEqual([]);
    // Noted once: the next run finds nothing.
    expect(await triage.expireDue()).toEqual([]);
    const audited = await knex('mcpeeker_audit')
      .where('entry_id', s.id)
      .orderBy('seq');
    expect(audited.map(r => [r.action, r.actor])).toEqual([
      ['suppression-create', 'user:default/sam'],
      ['suppression-expire', 'system:mcpeeker-suppression-expiry'],
    ]);
  });

  it('records feedback with who and when, audited, and filters on status, assignee and verdict', async () => {
    const { ingest, findings, triage, knex, audit } = await setup(kind);
    await ingest.ingest(
      [endpointEvent({ port: 3001 }), endpointEvent({ port: 3002 })],
      'http',
    );
    const { feedback } = await triage.addFeedback(
      id(3001),
      { verdict: 'true-positive', note: 'confirmed with dana', tags: ['lab'] },
      'user:default/sam',
    );
    expect(feedback).toMatchObject({
      compositeId: id(3001),
      verdict: 'true-positive',
      note: 'confirmed with dana',
      tags: ['lab'],
      author: 'user:default/sam',
    });
    expect(Date.parse(feedback.createdAt)).not.toBeNaN();
    await triage.updateTriage(
      id(3001),
      { status: 'investigating', assignee: 'user:default/sam' },
      'user:default/sam',
    );
    // A repeat changes nothing and is not audited.
    expect(
      await triage.updateTriage(
        id(3001),
        { status: 'investigating' },
        'user:default/sam',
      ),
    ).toBe(false);
    const ids = async (q: Parameters<typeof findings.list>[0]) =>
      (await findings.list(q)).items.map(f => f.compositeId);
    expect(await ids({ limit: 10, triageStatus: ['investigating'] })).toEqual([
      id(3001),
    ]);
    expect(await ids({ limit: 10, triageStatus: ['open'] })).toEqual([
      id(3002),
    ]);
    expect(await ids({ limit: 10, assignee: 'user:default/sam' })).toEqual([
      id(3001),
    ]);
    expect(await ids({ limit: 10, assignee: null })).toEqual([id(3002)]);
    expect(await ids({ limit: 10, verdict: ['true-positive'] })).toEqual([
      id(3001),
    ]);
    expect(await ids({ limit: 10, verdict: ['none'] })).toEqual([id(3002)]);
    expect(
      (await ids({ limit: 10, verdict: ['none', 'true-positive'] })).sort(),
    ).toEqual([id(3001), id(3002)].sort());
    expect((await findings.get(id(3001)))!.triage).toEqual({
      status: 'investigating',
      assignee: 'user:default/sam',
      verdict: 'true-positive',
    });
    const audited = await knex('mcpeeker_audit')
      .where('entry_id', id(3001))
      .orderBy('seq');
    expect(audited.map(r => [r.action, r.actor])).toEqual([
      ['feedback', 'user:default/sam'],
      ['triage-update', 'user:default/sam'],
    ]);
    expect(JSON.parse(audited[1].details)).toEqual({
      from: { status: 'open', assignee: null },
      to: { status: 'investigating', assignee: 'user:default/sam' },
    });
    expect(await audit.verify(knex)).toMatchObject({ ok: true });
  });

  it('keeps the score history: a row for each change of score or suppression, with its reasons', async () => {
    const { ingest, triage, knex } = await setup(kind);
    const history = new ScoreHistory(knex);
    await ingest.ingest([endpointEvent({ port: 3001 })], 'http');
    // A repeat of the same evidence changes nothing.
    await ingest.ingest(
      [endpointEvent({ port: 3001, observedAt: '2026-11-21T10:30:00Z' })],
      'http',
    );
    await ingest.ingest([networkEvent({ port: 3001 })], 'http');
    const s = await triage.createSuppression(
      { scope: 'finding', compositeId: id(3001), reason: 'a lab machine' },
      'user:default/sam',
    );
    const rows = await history.forFinding(id(3001));
    expect(
      rows.map(r => [r.score, r.classification, r.suppressionId ?? null]),
    ).toEqual([
      [6, 'suspect', null],
      [9, 'unauthorized', null],
      [9, 'unauthorized', s.id],
    ]);
    expect(rows[1].reason).toMatch(
      /^endpoint \+6: the endpoint agent saw it \(config ×1\); network \+3: MCP traffic on the network/,
    );
  });
});
