import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { AuditLogRow } from '@mcpeeker/plugin-mcpeeker-common';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { type EntryVerification, mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import {
  demoIdentity,
  finding,
  findingDetail,
  inDays,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import { ApprovalsPage } from './ApprovalsPage';
import { Route, Routes } from 'react-router-dom';
import { AuditLogView } from './AuditLogView';
import { EntryPage } from './EntryPage';
import { RegisterForm } from './RegisterForm';

// The Approvals table as it fits a laptop's width, the audit log's subjects
// and words, and a registration that keeps the version its command pins.
// Each component renders on its own, in a minimal test app.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

/** `element` at `path`, for someone every permission check allows. */
function render(element: ReactElement, path = '/') {
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({ authorize: 'ALLOW' as any }),
        demoIdentity,
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
}

const headers = () =>
  screen.getAllByRole('columnheader').map(h => h.textContent?.trim());

describe('The Approvals table', () => {
  it('fits a 1280–1400 px page: five fixed columns, a long name cut with the whole in its title, who asks shown whole, the decision in every row', async () => {
    const longName =
      'acme-internal-knowledge-base-search-connector-for-support';
    const longOwner = 'user:default/a-person-with-a-very-long-entity-name';
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({
          items: [
            entry({
              id: 'e1',
              name: longName,
              owner: longOwner,
              purpose: 'Searches the support knowledge base. '.repeat(12),
              identity: {
                compositeId: finding.compositeId,
                hostIdHash: finding.hostIdHash,
                port: 3001,
              },
            }),
            entry({
              id: 'e2',
              name: 'linear',
              pinnedTools: {
                definitions: [
                  { name: 'create_issue', hash: 'c'.repeat(64) },
                  { name: 'search_issues', hash: 's'.repeat(64) },
                ],
                pinnedAt: '2026-11-21T10:10:00.000Z',
                pinnedBy: 'user:default/pat',
                fromFinding: finding.compositeId,
                from: 'endpoint/port',
              },
            }),
          ],
          totalCount: 2,
        }),
      ),
    );
    render(<ApprovalsPage />);
    const row = await screen.findByRole(
      'row',
      { name: new RegExp(`^${longName}`) },
      { timeout: 30_000 },
    );
    // Fewer columns than it had: identity and pinned tools under the name.
    expect(headers()).toEqual([
      'Server',
      'Owner / team',
      'Purpose',
      'Expires',
      'Decision',
    ]);
    // Column widths are the table's, not its longest value's.
    expect(screen.getByRole('table')).toHaveStyle({ tableLayout: 'fixed' });

    // Each long value on one line, the whole of it in its title.
    const name = within(row).getByTitle(longName);
    expect(within(name).getByRole('link', { name: longName })).toHaveAttribute(
      'href',
      '/mcpeeker/registry/e1',
    );
    const identity = `finding ${
      finding.compositeId
    }, host ${finding.hostIdHash!.slice(0, 12)}… port 3001`;
    // Who asks, for which team and which server: whole, over more lines
    // where narrow, never cut into a title.
    for (const text of [identity, longOwner, 'group:default/team-a']) {
      const shown = within(row).getByText(
        (_, element) => element?.textContent === text,
        { selector: 'div' },
      );
      expect(shown).not.toHaveAttribute('title');
    }
    // A long purpose: three lines, all of it in the title and at a click.
    expect(
      within(row).getByRole('button', { name: 'Read all' }),
    ).toBeInTheDocument();
    expect(
      within(row).getByTitle(/^Searches the support knowledge base/),
    ).toBeInTheDocument();
    // Pinned tools in a few words, their names in the title; none said of none.
    expect(within(row).queryByText(/tools? pinned/)).toBeNull();
    const linear = screen.getByRole('row', { name: /^linear/ });
    expect(within(linear).getByText('2 tools pinned')).toHaveAttribute(
      'title',
      expect.stringMatching(
        /^create_issue, search_issues — pinned .* by user:default\/pat$/,
      ),
    );

    // The decision is there in every row.
    for (const r of bodyRows()) {
      const named = r.querySelector('a')?.textContent;
      expect(
        within(r).getByRole('button', { name: `Approve ${named}` }),
      ).toBeInTheDocument();
      expect(
        within(r).getByRole('button', { name: `Deny ${named}` }),
      ).toBeInTheDocument();
    }
  });
});

describe('The audit log', () => {
  const rows: AuditLogRow[] = [
    {
      seq: 7,
      at: inDays(0),
      actor: 'user:default/pat',
      action: 'suppression-revoke',
      entryId: 's1',
      details: {
        scope: 'server-on-team',
        label: 'github on group:default/team-a',
        reason: 'the trial is over',
      },
    },
    {
      seq: 6,
      at: inDays(0),
      actor: 'user:default/sam',
      action: 'triage-update',
      entryId: finding.compositeId,
      details: {
        from: { status: 'open', assignee: null },
        to: { status: 'investigating', assignee: 'user:default/sam' },
      },
    },
    {
      seq: 5,
      at: inDays(0),
      actor: 'user:default/sam',
      action: 'feedback',
      entryId: finding.compositeId,
      details: { feedbackId: 'f1', verdict: 'true-positive', tags: [] },
    },
    {
      seq: 4,
      at: inDays(0),
      actor: 'user:default/pat',
      action: 'revoke',
      entryId: 'e1',
      entryName: 'github',
      details: { from: 'approved', to: 'revoked', reason: 'retired' },
    },
    {
      seq: 3,
      at: inDays(-1),
      actor: 'agent:a1',
      action: 'agent-enrol',
      entryId: 'a1',
      details: { owner: 'user:default/dana', hostIdHash: 'a'.repeat(64) },
    },
    {
      seq: 1,
      at: inDays(-2),
      actor: 'user:default/dana',
      action: 'create',
      entryId: 'e1',
      entryName: 'github',
      details: { name: 'github' },
    },
  ];

  it('names what each row is about by its kind, linked to it, and says each action in the portal’s words', async () => {
    server.use(
      http.get('*/api/mcpeeker/audit/verify', () =>
        HttpResponse.json({ ok: true, rows: 6 }),
      ),
      http.get('*/api/mcpeeker/audit', () =>
        HttpResponse.json({ items: rows }),
      ),
    );
    render(<AuditLogView />);
    const lifted = await screen.findByRole(
      'row',
      { name: /the trial is over/ },
      { timeout: 30_000 },
    );
    expect(headers()).toEqual(['When', 'Who', 'What', 'Subject']);
    // "Lift" on the button, "lifted" in the log; never the API's name for it.
    expect(
      within(lifted).getByText('lifted: the trial is over'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/suppression-revoke/)).toBeNull();
    expect(within(lifted).getByText('suppression')).toBeInTheDocument();
    expect(
      within(lifted).getByRole('link', {
        name: 'github on group:default/team-a',
      }),
    ).toHaveAttribute('href', '/mcpeeker/suppressions?show=all');

    const [, triage, feedback, revoke, agent, create] = bodyRows();
    expect(
      within(triage).getByText(
        'triage changed (status Open → Investigating; assignee nobody → user:default/sam)',
      ),
    ).toBeInTheDocument();
    expect(within(triage).getByText('finding')).toBeInTheDocument();
    expect(within(triage).getByRole('link')).toHaveAttribute(
      'href',
      `/mcpeeker/findings/${finding.compositeId}`,
    );
    expect(
      within(feedback).getByText('feedback given (True positive)'),
    ).toBeInTheDocument();
    // A registry row names its entry, the revocation as well as the registration.
    expect(
      within(revoke).getByText('revoked (approved → revoked): retired'),
    ).toBeInTheDocument();
    expect(within(revoke).getByText('registry entry')).toBeInTheDocument();
    expect(
      within(revoke).getByRole('link', { name: 'github' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
    expect(within(create).getByText('registered')).toBeInTheDocument();
    expect(within(agent).getByText('enrolled')).toBeInTheDocument();
    expect(within(agent).getByText('agent')).toBeInTheDocument();
    expect(within(agent).getByRole('link')).toHaveAttribute(
      'href',
      '/mcpeeker/agents',
    );
    expect(
      screen.getByRole('textbox', { name: 'Subject id' }),
    ).toBeInTheDocument();
  });

  it('says in words that its owner moved a registration to the server it runs now, and names the entry', async () => {
    server.use(
      http.get('*/api/mcpeeker/audit/verify', () =>
        HttpResponse.json({ ok: true, rows: 9 }),
      ),
      http.get('*/api/mcpeeker/audit', () =>
        HttpResponse.json({
          items: [
            {
              seq: 9,
              at: inDays(0),
              actor: 'user:default/dana',
              action: 'update-identity',
              entryId: 'e2',
              entryName: 'filesystem',
              details: {
                from: 'approved',
                to: 'pending',
                fromFinding: finding.compositeId,
                identityFrom: { compositeId: 'mcp_old' },
                identityTo: { compositeId: finding.compositeId },
              },
            },
          ] satisfies AuditLogRow[],
        }),
      ),
    );
    render(<AuditLogView />);
    const moved = await screen.findByRole(
      'row',
      { name: /moved/ },
      { timeout: 30_000 },
    );
    expect(
      within(moved).getByText(
        'moved to the server it runs now (approved → pending approval)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/update.identity/)).toBeNull();
    expect(within(moved).getByText('registry entry')).toBeInTheDocument();
    expect(
      within(moved).getByRole('link', { name: 'filesystem' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e2');
  });
});

describe('Registering from a finding', () => {
  it('keeps the version its command pins, beside the package, and sends both', async () => {
    const pinned = {
      ...findingDetail,
      evidence: {
        ...findingDetail.evidence,
        endpoint: findingDetail.evidence.endpoint.map(e => ({
          ...e,
          detection: {
            ...(e as any).detection,
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-x@1.2.3', '/'],
          },
        })) as any,
      },
    };
    const posted: any[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () => HttpResponse.json(pinned)),
      http.post('*/api/mcpeeker/registry', async ({ request }) => {
        posted.push(await request.json());
        return HttpResponse.json(entry(), { status: 201 });
      }),
    );
    render(
      <RegisterForm />,
      `/mcpeeker/registry/new?finding=${finding.compositeId}`,
    );
    const pkg = await screen.findByRole(
      'textbox',
      { name: /Package/ },
      { timeout: 30_000 },
    );
    expect(pkg).toHaveValue('@modelcontextprotocol/server-x');
    const version = screen.getByRole('textbox', { name: /Version/ });
    expect(version).toHaveValue('1.2.3');

    await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
    await userEvent.paste('Files for the docs team');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0].identity).toEqual({
      compositeId: finding.compositeId,
      hostIdHash: finding.hostIdHash,
      packageId: '@modelcontextprotocol/server-x',
      packageVersion: '1.2.3',
      // What it ran the package with: the exact command enforcement allows.
      packageArguments: ['/'],
    });
  });
});

describe('A registry entry’s page', () => {
  const showEntry = (
    registered: ReturnType<typeof entry>,
    found: {
      matches?: EntryVerification['matches'];
      audit?: AuditLogRow[];
    } = {},
  ) => {
    const matches = found.matches ?? [];
    server.use(
      http.get('*/api/mcpeeker/registry/:id', () =>
        HttpResponse.json(registered),
      ),
      http.post('*/api/mcpeeker/registry/:id/verify', () =>
        HttpResponse.json({
          entryId: registered.id,
          detected: matches.length > 0,
          matches,
        } satisfies EntryVerification),
      ),
      http.get('*/api/mcpeeker/audit', () =>
        HttpResponse.json({ items: found.audit ?? [], totalCount: 0 }),
      ),
    );
    render(
      <Routes>
        <Route path="/mcpeeker/registry/:id" element={<EntryPage />} />
      </Routes>,
      `/mcpeeker/registry/${registered.id}`,
    );
  };
  const line = (start: RegExp) =>
    screen.findByText(
      (_, el) => el?.tagName === 'P' && start.test(el.textContent ?? ''),
      {},
      { timeout: 30_000 },
    );

  it('says the exact command enforcement allows, with the arguments its finding ran', async () => {
    showEntry(
      entry({
        status: 'approved',
        identity: {
          compositeId: finding.compositeId,
          packageId: '@modelcontextprotocol/server-filesystem',
          packageVersion: '2025.8.21',
          packageArguments: ['/'],
        },
      }),
    );
    expect(await line(/^Allowed under enforcement/)).toHaveTextContent(
      /^Allowed under enforcement: npx -y @modelcontextprotocol\/server-filesystem@2025\.8\.21 \/$/,
    );
  });

  it('says no exact command is allowed when an argument is a secret the registry does not serve', async () => {
    showEntry(
      entry({
        status: 'approved',
        identity: {
          compositeId: finding.compositeId,
          packageId: '@acme/keyed-mcp',
          packageArguments: ['--api-key', '[redacted:0123456789ab]'],
        },
      }),
    );
    expect(await line(/exact command/)).toHaveTextContent(
      'No exact command is allowed under enforcement: it runs with an argument the registry does not serve',
    );
    expect(screen.queryByText(/redacted/)).toBeNull();
  });

  describe('read east of UTC', () => {
    // A reader in Auckland, 13 hours ahead of UTC in November: the evening
    // of the 20th in UTC is the 21st there, and the end of a day in UTC the
    // next day's noon.
    readerInTimeZone('Pacific/Auckland');
    const inAuckland = seenIn('Pacific/Auckland');
    /** The time element in `container` showing `iso` as `shown` writes it. */
    const timeShowing = (
      container: HTMLElement,
      iso: string,
      shown: (iso: string) => string,
      dateTime = iso,
    ) => {
      const time = within(container).getByText(shown(iso));
      expect(time.tagName).toBe('TIME');
      expect(time).toHaveAttribute('dateTime', dateTime);
    };

    it('shows its expiry as the calendar date chosen, and every other time in the reader’s time', async () => {
      // An expiry is the end of the chosen day in UTC: its date, wherever read.
      const day = inDays(10).slice(0, 10);
      const expiresAt = `${day}T23:59:59Z`;
      const utcDate = (iso: string) =>
        new Date(iso).toLocaleDateString(undefined, { timeZone: 'UTC' });
      const createdAt = '2026-11-20T20:00:00.000Z';
      const decidedAt = '2026-11-20T21:00:00.000Z';
      const pinnedAt = '2026-11-20T21:01:00.000Z';
      const acceptedAt = '2026-11-20T22:00:00.000Z';
      const lastSeen = '2026-11-20T23:00:00.000Z';
      showEntry(
        entry({
          status: 'approved',
          expiresAt,
          createdAt,
          decidedBy: 'user:default/pat',
          decidedAt,
          decisionReason: 'Reviewed',
          pinnedTools: {
            definitions: [{ name: 'create_issue', hash: 'c'.repeat(64) }],
            pinnedAt,
            pinnedBy: 'user:default/pat',
            fromFinding: finding.compositeId,
            from: 'gateway/request',
          },
          acceptedRisks: [
            {
              kind: 'inline-secret',
              reason: 'a test token',
              by: 'user:default/pat',
              at: acceptedAt,
            },
          ],
        }),
        {
          matches: [
            {
              compositeId: finding.compositeId,
              serverName: 'github',
              hostIdHash: finding.hostIdHash,
              score: 2,
              classification: 'authorized',
              registryStatus: 'approved',
              lastSeen,
            },
          ],
          audit: [
            {
              seq: 2,
              at: decidedAt,
              actor: 'user:default/pat',
              action: 'approve',
              entryId: 'e1',
              entryName: 'github',
              details: { from: 'pending', to: 'approved', reason: 'Reviewed' },
            },
          ],
        },
      );
      const expiry = await screen.findByTestId(
        'expiry-soon',
        {},
        { timeout: 30_000 },
      );
      // The day chosen, and the days left to it as its reminders count them.
      expect(expiry).toHaveTextContent(`${utcDate(expiresAt)} · in 10 d`);
      timeShowing(expiry, expiresAt, utcDate, day);

      const registered = screen.getByRole('row', { name: /^registered by/i });
      expect(registered).toHaveTextContent(
        `user:default/dana on ${inAuckland(createdAt)}`,
      );
      timeShowing(registered, createdAt, inAuckland);
      const decision = screen.getByRole('row', { name: /^decision/i });
      expect(decision).toHaveTextContent(
        `approved by user:default/pat on ${inAuckland(decidedAt)}: Reviewed`,
      );
      timeShowing(decision, decidedAt, inAuckland);
      const pinned = screen.getByTestId('pinned-tools');
      expect(pinned).toHaveTextContent(
        `pinned ${inAuckland(pinnedAt)} by user:default/pat`,
      );
      timeShowing(pinned, pinnedAt, inAuckland);
      const accepted = screen.getByRole('region', { name: /^Accepted: / });
      expect(accepted).toHaveTextContent(
        `Accepted by user:default/pat on ${inAuckland(
          acceptedAt,
        )}: a test token`,
      );
      timeShowing(accepted, acceptedAt, inAuckland);
      // Its finding, last seen then.
      const seen = await screen.findByText(inAuckland(lastSeen));
      expect(seen.parentElement).toHaveTextContent(
        `github on host ${finding.hostIdHash!.slice(0, 12)}`,
      );
      timeShowing(seen.parentElement!, lastSeen, inAuckland);
      const approved = await screen.findByRole('row', {
        name: /approved \(pending approval → approved\)/,
      });
      timeShowing(approved, decidedAt, inAuckland);
    });
  });
});
