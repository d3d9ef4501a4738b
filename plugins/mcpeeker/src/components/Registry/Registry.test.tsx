import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderMcpeekerPage,
  renderUnstyled,
  testClient,
} from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import {
  demoIdentity as identity,
  finding,
  findingDetail,
  inDays,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';
import { mcpeekerApiRef } from '../../api';
import { REGISTRY_CHANGED_EVENT } from './EntryActions';
import {
  approvalsLabel,
  usePendingApprovalCount,
} from './usePendingApprovalCount';
import { fieldProblems, problemsFromServer } from './registrationProblems';
import {
  registryEntryCreateSchema,
  registryImportSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import { packageOfFinding } from './RegisterForm';
import { fill } from '../../__testUtils__/fill';
import { reloaded } from '../../__testUtils__/reloaded';

// The registry's pages through the MCPeeker page itself (its routes) in a
// minimal test app; waits end on an element, generous on a busy machine.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);
const FLOW_TIMEOUT = 60_000;

/** Pat, an admin. */
const pat = mockApis.identity({
  userEntityRef: 'user:default/pat',
  ownershipEntityRefs: ['user:default/pat', 'group:default/platform-admins'],
});

const notFound = () =>
  HttpResponse.json(
    { error: { name: 'NotFoundError', message: 'No registry entry' } },
    { status: 404 },
  );

describe('Registry', () => {
  it(
    'lists entries with status in words, linked names and an orange expiry within 14 days, and filters to mine',
    async () => {
      const queries: string[] = [];
      server.use(
        http.get('*/api/mcpeeker/registry', ({ request }) => {
          queries.push(new URL(request.url).search);
          return HttpResponse.json({
            items: [
              entry({ purpose: `Triages GitHub issues. ${'x '.repeat(120)}` }),
              entry({
                id: 'e2',
                name: 'linear',
                status: 'approved',
                expiresAt: inDays(3),
              }),
            ],
            totalCount: 2,
          });
        }),
        http.post('*/api/mcpeeker/registry/:id/verify', ({ params }) =>
          HttpResponse.json({
            detected: params.id === 'e1',
            matches:
              params.id === 'e1'
                ? [
                    {
                      compositeId: 'mcp_x',
                      score: 6,
                      classification: 'suspect',
                      lastSeen: inDays(0),
                    },
                  ]
                : [],
          }),
        ),
      );
      renderMcpeekerPage('/mcpeeker/registry', { apis: [identity] });
      await screen.findByRole('row', { name: /^github/ });
      const rows = bodyRows();
      expect(rows).toHaveLength(2);
      expect(screen.getByText('2 entries')).toBeInTheDocument();
      // A pending registration waits for an admin, and says so.
      expect(within(rows[0]).getByText('pending approval')).toBeInTheDocument();
      expect(
        within(rows[0]).getByRole('link', { name: 'github' }),
      ).toHaveAttribute('href', '/mcpeeker/registry/e1');
      expect(
        within(rows[0]).getByText('user:default/dana (you)'),
      ).toBeInTheDocument();
      expect(within(rows[0]).queryByTestId('expiry-soon')).toBeNull();
      expect(within(rows[1]).getByTestId('expiry-soon')).toHaveTextContent(
        'in 3 d',
      );
      // A long purpose is clamped, with a way to read all of it.
      await userEvent.click(
        within(rows[0]).getByRole('button', { name: 'Read all' }),
      );
      expect(
        within(rows[0]).getByRole('button', { name: 'Show less' }),
      ).toBeInTheDocument();
      // No approve permission: no Approvals tab, and no audit log.
      expect(screen.queryByRole('tab', { name: /Approvals/ })).toBeNull();
      expect(screen.queryByRole('tab', { name: 'Audit log' })).toBeNull();

      await userEvent.click(
        within(rows[0]).getByRole('button', { name: 'Check detection' }),
      );
      expect(
        await within(rows[0]).findByTestId('detection-result'),
      ).toHaveTextContent('detected: 1 finding, highest score 6');

      await userEvent.click(
        screen.getByRole('checkbox', { name: 'My MCPs only' }),
      );
      await waitFor(() =>
        expect(queries.at(-1)).toContain('owner=user%3Adefault%2Fdana'),
      );
    },
    FLOW_TIMEOUT,
  );

  it(
    'registers from a finding: name, team and package filled in, problems shown beside their field, then a confirmation linking the entry',
    async () => {
      const posted: any[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          HttpResponse.json(findingDetail),
        ),
        http.post('*/api/mcpeeker/registry', async ({ request }) => {
          const body = (await request.json()) as any;
          posted.push(body);
          if (body.team === 'group:default/ghosts')
            return HttpResponse.json(
              {
                error: {
                  name: 'InputError',
                  message:
                    'Invalid registration: team group:default/ghosts is not in the catalog',
                },
                // As the backend answers: the request and response too.
                request: { method: 'POST', url: '/api/mcpeeker/registry' },
                response: { statusCode: 400 },
              },
              { status: 400 },
            );
          return HttpResponse.json(entry(), { status: 201 });
        }),
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [entry()], totalCount: 1 }),
        ),
      );
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        { apis: [identity] },
      );
      const name = await screen.findByRole('textbox', { name: /Name/ });
      expect(name).toHaveValue('github');
      expect(screen.getByRole('textbox', { name: /Team/ })).toHaveValue(
        'group:default/team-a',
      );
      // npx -y @modelcontextprotocol/server-github → its package.
      expect(screen.getByRole('textbox', { name: /Package/ })).toHaveValue(
        '@modelcontextprotocol/server-github',
      );
      const purpose = screen.getByRole('textbox', { name: /Purpose/ });
      await fill(purpose, 'short');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      // Refused before anything is sent, the reason beside the field, in words.
      expect(purpose).toHaveAttribute('aria-invalid', 'true');
      expect(
        screen.getByText('Purpose must be at least 10 characters'),
      ).toBeInTheDocument();
      expect(posted).toEqual([]);

      await fill(purpose, ' but now long enough');
      const team = screen.getByRole('textbox', { name: /Team/ });
      await userEvent.clear(team);
      await fill(team, 'group:default/ghosts');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      // The backend's refusal, beside the field it names.
      expect(
        await screen.findByText(
          'Team group:default/ghosts is not in the catalog',
        ),
      ).toBeInTheDocument();
      expect(team).toHaveAttribute('aria-invalid', 'true');

      await userEvent.clear(team);
      await fill(team, 'group:default/team-a');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      const confirmation = await screen.findByText(/^Registered github/);
      expect(confirmation).toHaveTextContent(
        'Registered github: it is pending approval by an admin.',
      );
      expect(
        screen.getByRole('link', { name: 'Open the entry' }),
      ).toHaveAttribute('href', '/mcpeeker/registry/e1');
      // The Registry under the confirmation reads its list after it shows.
      expect(await screen.findByText('1 entry')).toBeInTheDocument();
      expect(posted.at(-1)).toMatchObject({
        name: 'github',
        team: 'group:default/team-a',
        purpose: 'short but now long enough',
        transport: 'stdio',
        identity: {
          compositeId: finding.compositeId,
          hostIdHash: finding.hostIdHash,
          packageId: '@modelcontextprotocol/server-github',
        },
        fromFinding: finding.compositeId,
      });
    },
    FLOW_TIMEOUT,
  );

  it(
    'says what is wrong with a name and a version in its own words, never zod’s, and sends nothing',
    async () => {
      const posted: unknown[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          HttpResponse.json(findingDetail),
        ),
        http.post('*/api/mcpeeker/registry', async ({ request }) => {
          posted.push(await request.json());
          return HttpResponse.json(entry(), { status: 201 });
        }),
      );
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        { apis: [identity] },
      );
      const name = await screen.findByRole('textbox', { name: /Name/ });
      await fill(
        screen.getByRole('textbox', { name: /Purpose/ }),
        'Reads our issues for the platform team',
      );
      await userEvent.clear(name);
      const version = screen.getByRole('textbox', { name: /Version/ });
      await userEvent.clear(version);
      await fill(version, 'latest; rm -rf /');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      expect(name).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByText('Name must not be empty')).toBeInTheDocument();
      expect(version).toHaveAttribute('aria-invalid', 'true');
      expect(
        screen.getByText(
          'Version must be a version such as 1.2.3: letters, digits and . _ + - only, starting with a letter or digit',
        ),
      ).toBeInTheDocument();

      await fill(name, 'g'.repeat(129));
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      expect(
        screen.getByText('Name must be at most 128 characters'),
      ).toBeInTheDocument();
      expect(document.body).not.toHaveTextContent(/Too (small|big)|expected/);
      expect(posted).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'says a server registered already at another version is registered, as which entry, and how to change its version',
    async () => {
      const refusal =
        'identity: this server is already registered as github (entry e1, pending, version 1.0.0) and waits for the admins: an owner or team has one version of a server waiting at a time. For version 1.0.1, register it once that entry is decided, or withdraw that entry and register again';
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          HttpResponse.json(findingDetail),
        ),
        http.post('*/api/mcpeeker/registry', () =>
          HttpResponse.json(
            {
              error: { name: 'ConflictError', message: refusal },
              request: { method: 'POST', url: '/api/mcpeeker/registry' },
              response: { statusCode: 409 },
            },
            { status: 409 },
          ),
        ),
      );
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        { apis: [identity] },
      );
      await fill(
        await screen.findByRole('textbox', { name: /Purpose/ }),
        'Reads our issues for the platform team',
      );
      await fill(screen.getByRole('textbox', { name: /Version/ }), '1.0.1');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'This server is already registered as github (entry e1, pending, version 1.0.0) and waits for the admins: an owner or team has one version of a server waiting at a time. For version 1.0.1, register it once that entry is decided, or withdraw that entry and register again',
      );
    },
    FLOW_TIMEOUT,
  );

  it(
    'imports a server.json, with the team filled in, and says it was registered',
    async () => {
      const imported: any[] = [];
      server.use(
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [], totalCount: 0 }),
        ),
        http.post('*/api/mcpeeker/registry/import', async ({ request }) => {
          imported.push(await request.json());
          return HttpResponse.json(entry({ id: 'e9', name: 'weather' }), {
            status: 201,
          });
        }),
      );
      renderMcpeekerPage('/mcpeeker/registry', { apis: [identity] });
      await userEvent.click(
        await screen.findByRole('button', { name: 'Import server.json' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Import a server.json',
      });
      const json = within(dialog).getByRole('textbox', { name: 'server.json' });
      await fill(json, 'not json');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Import' }),
      );
      expect(
        within(dialog).getByText(/^server.json is not JSON/),
      ).toBeInTheDocument();
      await userEvent.clear(json);
      const serverJson = {
        name: 'io.github.acme/weather',
        description: 'Weather forecasts for the whole company',
        version: '1.2.0',
        packages: [
          {
            registryType: 'npm',
            identifier: '@acme/weather-mcp',
            version: '1.2.0',
            transport: { type: 'stdio' },
          },
        ],
      };
      // userEvent.type reads { and [ as keys: paste the JSON instead.
      await userEvent.click(json);
      await userEvent.paste(JSON.stringify(serverJson));
      expect(within(dialog).getByRole('textbox', { name: /Team/ })).toHaveValue(
        'group:default/team-a',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Import' }),
      );
      expect(
        await screen.findByText(/^Registered weather/),
      ).toBeInTheDocument();
      expect(imported).toEqual([
        {
          serverJson,
          team: 'group:default/team-a',
          expiresAt: expect.stringMatching(/T23:59:59Z$/),
        },
      ]);
    },
    FLOW_TIMEOUT,
  );

  it('keeps the Approvals page closed to those without the approve permission', async () => {
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: [entry()], totalCount: 1 }),
      ),
    );
    renderMcpeekerPage('/mcpeeker/approvals', { apis: [identity] });
    expect(
      await screen.findByText(
        'The Approvals tab is for platform admins',
        {},
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/takes the permission mcpeeker\.registry\.approve/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('row')).toBeNull();
  });
});

// Admins: the permission check allows (each render has its own permission cache).
describe('Approvals', () => {
  it(
    'searches the pending entries, approves with an optional reason and denies only with one',
    async () => {
      const decisions: Array<{ path: string; body: unknown }> = [];
      const queries: string[] = [];
      let pending = [entry(), entry({ id: 'e2', name: 'linear' })];
      server.use(
        http.get('*/api/mcpeeker/registry', ({ request }) => {
          queries.push(new URL(request.url).search);
          return HttpResponse.json({
            items: pending,
            totalCount: pending.length,
          });
        }),
        http.post(
          '*/api/mcpeeker/registry/:id/:decision',
          async ({ request, params }) => {
            decisions.push({
              path: `${params.id}/${params.decision}`,
              body: await request.json(),
            });
            pending = pending.filter(p => p.id !== params.id);
            return HttpResponse.json({
              ...entry(),
              status: params.decision === 'approve' ? 'approved' : 'denied',
              rescoredFindings: 1,
            });
          },
        ),
      );
      renderMcpeekerPage('/mcpeeker/approvals', {
        apis: [pat],
        allow: true,
      });
      // The permission check comes first, then the list and the tab's count,
      // each read on its own. The rows are drawn anew when the count comes
      // (a dialog open in one closes): the page is whole once both are there.
      await screen.findByRole(
        'tab',
        { name: 'Approvals (2)' },
        { timeout: 30_000 },
      );
      const row = await screen.findByRole('row', { name: /^github/ });
      expect(screen.getByText('2 entries')).toBeInTheDocument();
      expect(
        within(row).getByText(`finding ${finding.compositeId}`),
      ).toBeInTheDocument();

      await fill(
        screen.getByRole('textbox', { name: 'Search name or purpose' }),
        'lin',
      );
      await waitFor(() => expect(queries.at(-1)).toContain('q=lin'));
      // The list searched: its rows, not those before the search (a dialog
      // opened from one of those closes as the new rows come).
      await reloaded();

      await userEvent.click(
        within(await screen.findByRole('row', { name: /^github/ })).getByRole(
          'button',
          { name: 'Approve github' },
        ),
      );
      let dialog = await screen.findByRole('dialog', {
        name: 'Approve github?',
      });
      await fill(
        within(dialog).getByRole('textbox', { name: 'Reason (optional)' }),
        'needed',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        'github approved; 1 finding rescored',
      );

      // The list reloads after the decision: act on its new rows, not on a
      // row of the list before it (a click there opens nothing; seen on a
      // clean-clone run with both cores busy). The tab counts again too, and
      // its new count draws the rows anew: act once both are there.
      await waitFor(() =>
        expect(
          screen.queryByRole('row', { name: /^github/ }),
        ).not.toBeInTheDocument(),
      );
      await screen.findByRole('tab', { name: 'Approvals (1)' });
      const linear = await screen.findByRole('row', { name: /^linear/ });
      await userEvent.click(
        within(linear).getByRole('button', { name: 'Deny linear' }),
      );
      dialog = await screen.findByRole('dialog', { name: 'Deny linear?' });
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Deny' }),
      );
      expect(
        within(dialog).getByText('Give a reason: the owner reads it.'),
      ).toBeInTheDocument();
      await fill(
        within(dialog).getByRole('textbox', { name: /Reason/ }),
        'use the approved github server',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Deny' }),
      );
      // Still searched for 'lin': none left that matches.
      expect(
        await screen.findByText('No pending registration matches'),
      ).toBeInTheDocument();
      expect(decisions).toEqual([
        { path: 'e1/approve', body: { reason: 'needed' } },
        { path: 'e2/deny', body: { reason: 'use the approved github server' } },
      ]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'keeps an approval dialog open while the tab’s count arrives, and sends the approval from it',
    async () => {
      const decisions: string[] = [];
      // The count (limit=1) waits until the dialog is open: the rows must not
      // be drawn anew under it (Backstage's Table did so whenever the empty
      // list's message was a new element, and the dialog closed).
      let answerCount: () => void = () => {};
      const countAsked = new Promise<void>(resolve => {
        answerCount = resolve;
      });
      server.use(
        http.get('*/api/mcpeeker/registry', async ({ request }) => {
          if (new URL(request.url).searchParams.get('limit') === '1')
            await countAsked;
          return HttpResponse.json({ items: [entry()], totalCount: 1 });
        }),
        http.post(
          '*/api/mcpeeker/registry/:id/:decision',
          async ({ params }) => {
            decisions.push(`${params.id}/${params.decision}`);
            return HttpResponse.json({
              ...entry(),
              status: 'approved',
              rescoredFindings: 0,
            });
          },
        ),
      );
      renderMcpeekerPage('/mcpeeker/approvals', {
        apis: [pat],
        allow: true,
      });
      const row = await screen.findByRole(
        'row',
        { name: /^github/ },
        { timeout: 30_000 },
      );
      await userEvent.click(
        within(row).getByRole('button', { name: 'Approve github' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Approve github?',
      });
      answerCount();
      // Behind the open dialog (the page is hidden from the accessibility tree).
      await screen.findByRole('tab', { name: 'Approvals (1)', hidden: true });
      expect(screen.getByRole('dialog', { name: 'Approve github?' })).toBe(
        dialog,
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Approve' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        'github approved',
      );
      expect(decisions).toEqual(['e1/approve']);
    },
    FLOW_TIMEOUT,
  );

  it('counts the pending entries for the tab, again after a change, and nothing for whoever may not approve', async () => {
    let total = 3;
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: [], totalCount: total }),
      ),
    );
    function Label() {
      return (
        <span data-testid="label">
          {approvalsLabel(usePendingApprovalCount())}
        </span>
      );
    }
    await renderUnstyled(<Label />, {
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({ authorize: 'ALLOW' as any }),
      ],
    });
    await waitFor(() =>
      expect(screen.getByTestId('label')).toHaveTextContent('Approvals (3)'),
    );
    total = 0;
    window.dispatchEvent(new Event(REGISTRY_CHANGED_EVENT));
    await waitFor(() =>
      expect(screen.getByTestId('label')).toHaveTextContent(/^Approvals$/),
    );
  });
});

describe('An entry’s page', () => {
  const history = [
    {
      seq: 2,
      at: inDays(0),
      actor: 'user:default/pat',
      action: 'approve',
      entryId: 'e1',
      details: { from: 'pending', to: 'approved', reason: 'needed' },
    },
    {
      seq: 1,
      at: inDays(-1),
      actor: 'user:default/dana',
      action: 'create',
      entryId: 'e1',
      details: { name: 'github' },
    },
  ];

  it(
    'shows an admin its details, findings and history, and revokes it after a confirmation',
    async () => {
      const decisions: Array<{ path: string; body: unknown }> = [];
      let audit = history;
      let current = entry({
        status: 'approved',
        decidedBy: 'user:default/pat',
        decidedAt: inDays(0),
        decisionReason: 'needed',
      });
      server.use(
        http.get('*/api/mcpeeker/registry/:id', ({ params }) =>
          params.id === 'e1' ? HttpResponse.json(current) : notFound(),
        ),
        http.post('*/api/mcpeeker/registry/:id/verify', () =>
          HttpResponse.json({
            entryId: 'e1',
            detected: true,
            matches: [
              {
                compositeId: finding.compositeId,
                serverName: 'github',
                hostIdHash: finding.hostIdHash,
                score: 0,
                classification: 'authorized',
                registryStatus: 'approved',
                lastSeen: inDays(0),
              },
            ],
          }),
        ),
        http.get('*/api/mcpeeker/audit', ({ request }) =>
          HttpResponse.json({
            items:
              new URL(request.url).searchParams.get('entry') === 'e1'
                ? audit
                : [],
          }),
        ),
        http.post(
          '*/api/mcpeeker/registry/:id/:decision',
          async ({ request, params }) => {
            decisions.push({
              path: `${params.id}/${params.decision}`,
              body: await request.json(),
            });
            current = {
              ...current,
              status: 'revoked',
              updatedAt: new Date().toISOString(),
            };
            audit = [
              {
                seq: 3,
                at: current.updatedAt,
                actor: 'user:default/pat',
                action: 'revoke',
                entryId: 'e1',
                details: {
                  from: 'approved',
                  to: 'revoked',
                  reason: 'no longer used',
                },
              },
              ...history,
            ];
            return HttpResponse.json({ ...current, rescoredFindings: 2 });
          },
        ),
      );
      renderMcpeekerPage('/mcpeeker/registry/e1', {
        apis: [pat],
        allow: true,
      });
      expect(
        await screen.findByText(/approved by user:default\/pat .*: needed/),
      ).toBeInTheDocument();
      expect(screen.getByText('Triages GitHub issues')).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: /Registry/ })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      expect(
        await screen.findByRole('link', { name: 'github' }),
      ).toHaveAttribute('href', `/mcpeeker/findings/${finding.compositeId}`);
      expect(
        screen.getByRole('link', {
          name: 'Findings named github in the Findings list',
        }),
      ).toHaveAttribute('href', '/mcpeeker/findings?q=github');
      // Its history, from the audit log.
      expect(
        await screen.findByText(
          'approved (pending approval → approved): needed',
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('2 changes, newest first')).toBeInTheDocument();
      // An approved entry: revoke, not approve or withdraw.
      expect(
        screen.queryByRole('button', { name: 'Approve github' }),
      ).toBeNull();
      expect(
        screen.queryByRole('button', { name: 'Withdraw github' }),
      ).toBeNull();

      await userEvent.click(
        screen.getByRole('button', { name: 'Revoke github' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Revoke github?',
      });
      // Cancel changes nothing.
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );
      expect(decisions).toEqual([]);
      await userEvent.click(
        screen.getByRole('button', { name: 'Revoke github' }),
      );
      const again = await screen.findByRole('dialog', {
        name: 'Revoke github?',
      });
      await fill(
        within(again).getByRole('textbox', { name: 'Reason (optional)' }),
        'no longer used',
      );
      await userEvent.click(
        within(again).getByRole('button', { name: 'Revoke' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        'github revoked; 2 findings rescored',
      );
      expect(decisions).toEqual([
        { path: 'e1/revoke', body: { reason: 'no longer used' } },
      ]);
      expect(await screen.findByText('revoked')).toBeInTheDocument();
      // Its history is read again: the revocation is there.
      expect(
        await screen.findByText('revoked (approved → revoked): no longer used'),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'lets the owner renew and withdraw a pending registration, and says when an entry is gone',
    async () => {
      const changes: Array<{ method: string; path: string; body: unknown }> =
        [];
      let gone = false;
      server.use(
        // Within the warning window before its expiry: Renew is offered.
        http.get('*/api/mcpeeker/registry/:id', () =>
          gone
            ? notFound()
            : HttpResponse.json(entry({ expiresAt: inDays(10) })),
        ),
        http.post('*/api/mcpeeker/registry/:id/verify', () =>
          HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
        ),
        http.patch('*/api/mcpeeker/registry/:id', async ({ request }) => {
          const body = (await request.json()) as any;
          changes.push({ method: 'PATCH', path: 'e1', body });
          return HttpResponse.json(entry({ expiresAt: body.expiresAt }));
        }),
        http.post(
          '*/api/mcpeeker/registry/:id/withdraw',
          async ({ request }) => {
            changes.push({
              method: 'POST',
              path: 'e1/withdraw',
              body: await request.json(),
            });
            gone = true;
            return new HttpResponse(null, { status: 204 });
          },
        ),
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [], totalCount: 0 }),
        ),
      );
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [identity] });
      await screen.findByRole('button', { name: 'Renew github' });
      // A developer: no admin's actions, no history.
      expect(
        screen.queryByRole('button', { name: 'Approve github' }),
      ).toBeNull();
      expect(
        screen.queryByRole('button', { name: 'Delete github' }),
      ).toBeNull();
      expect(screen.queryByText('History')).toBeNull();

      await userEvent.click(
        screen.getByRole('button', { name: 'Renew github' }),
      );
      const renew = await screen.findByRole('dialog', {
        name: 'Renew github',
      });
      const date = within(renew).getByLabelText('Expires');
      await userEvent.clear(date);
      await userEvent.type(date, '2000-01-01');
      await userEvent.click(
        within(renew).getByRole('button', { name: 'Renew' }),
      );
      expect(
        within(renew).getByText('Expiry must be in the future'),
      ).toBeInTheDocument();
      const inAYear = new Date(Date.now() + 300 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await userEvent.clear(date);
      await userEvent.type(date, inAYear);
      await userEvent.click(
        within(renew).getByRole('button', { name: 'Renew' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        /^github renewed until/,
      );
      expect(changes).toEqual([
        {
          method: 'PATCH',
          path: 'e1',
          body: { expiresAt: `${inAYear}T23:59:59Z` },
        },
      ]);

      await userEvent.click(
        screen.getByRole('button', { name: 'Withdraw github' }),
      );
      const withdraw = await screen.findByRole('dialog', {
        name: 'Withdraw github?',
      });
      await userEvent.click(
        within(withdraw).getByRole('button', { name: 'Withdraw' }),
      );
      // Back on the registry, where it is no more.
      expect(
        await screen.findByText('No registry entries'),
      ).toBeInTheDocument();
      expect(changes.at(-1)).toEqual({
        method: 'POST',
        path: 'e1/withdraw',
        body: {},
      });
    },
    FLOW_TIMEOUT,
  );
});

describe('Renewing an expired entry', () => {
  /** The entry's page, serving `expired` until the renewal answers with `after`. */
  function serveExpired(after: Partial<ReturnType<typeof entry>>) {
    const renewals: unknown[] = [];
    let current = entry({
      status: 'expired',
      expiresAt: inDays(-10),
      decidedBy: 'user:default/pat',
      decidedAt: inDays(-100),
    });
    let refuseOnce = true;
    server.use(
      http.get('*/api/mcpeeker/registry/:id', () => HttpResponse.json(current)),
      http.post('*/api/mcpeeker/registry/:id/verify', () =>
        HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
      ),
      http.get('*/api/mcpeeker/audit', () => HttpResponse.json({ items: [] })),
      http.post('*/api/mcpeeker/registry/:id/renew', async ({ request }) => {
        const body = (await request.json()) as any;
        renewals.push(body);
        if (refuseOnce) {
          refuseOnce = false;
          return HttpResponse.json(
            {
              error: {
                name: 'ConflictError',
                message:
                  'identity: this server is registered again (entry e9, pending)',
              },
            },
            { status: 409 },
          );
        }
        current = {
          ...current,
          ...after,
          expiresAt: body.expiresAt,
          updatedAt: new Date().toISOString(),
        };
        return HttpResponse.json({ ...current, rescoredFindings: 1 });
      }),
    );
    return renewals;
  }

  /** A date input's value `days` from today. */
  const dateIn = (days: number) =>
    new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  it(
    'lets its owner send it back to the admins with a new date, and says what the server answered when it refuses',
    async () => {
      const renewals = serveExpired({
        status: 'pending',
        decidedBy: undefined,
        decidedAt: undefined,
      });
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [identity] });
      await userEvent.click(
        await screen.findByRole('button', { name: 'Renew github' }),
        undefined,
      );
      // Expired: renewed, not edited back to life.
      expect(screen.queryByRole('button', { name: 'Edit github' })).toBeNull();
      const dialog = await screen.findByRole('dialog', {
        name: 'Renew github',
      });
      expect(
        within(dialog).getByText(/sends it back to the admins for approval/),
      ).toBeInTheDocument();
      const date = within(dialog).getByLabelText('Expires');
      await userEvent.clear(date);
      await userEvent.type(date, dateIn(400));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Renew' }),
      );
      expect(
        within(dialog).getByText('Expiry must be at most 365 days ahead'),
      ).toBeInTheDocument();
      expect(renewals).toEqual([]);

      await userEvent.clear(date);
      await userEvent.type(date, dateIn(120));
      await fill(
        within(dialog).getByRole('textbox', {
          name: 'Why it is still needed (optional)',
        }),
        'Still triaging issues',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Renew' }),
      );
      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'identity: this server is registered again (entry e9, pending)',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Renew' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        /^github sent to the admins for approval, until /,
      );
      expect(await screen.findByText('pending approval')).toBeInTheDocument();
      expect(renewals.at(-1)).toEqual({
        expiresAt: `${dateIn(120)}T23:59:59Z`,
        reason: 'Still triaging issues',
      });
      // Pending again: its owner may change the date or withdraw it, no more renewal.
      expect(
        screen.getByRole('button', { name: 'Withdraw github' }),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'lets an admin renew it directly: approved again, its findings rescored',
    async () => {
      const renewals = serveExpired({
        status: 'approved',
        decidedBy: 'user:default/pat',
        decidedAt: new Date().toISOString(),
      });
      renderMcpeekerPage('/mcpeeker/registry/e1', {
        apis: [pat],
        allow: true,
      });
      await screen.findByRole('button', { name: 'Renew github' });
      // An expired entry is not approved as it stands: its date is gone.
      expect(
        screen.queryByRole('button', { name: 'Approve github' }),
      ).toBeNull();
      await userEvent.click(
        screen.getByRole('button', { name: 'Renew github' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Renew github',
      });
      expect(
        within(dialog).getByText(/Renewing approves it again/),
      ).toBeInTheDocument();
      // The first answer is a refusal; the second goes through.
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Renew' }),
      );
      await within(dialog).findByRole('alert');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Renew' }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        /^github renewed and approved until .*; 1 finding rescored$/,
      );
      expect(await screen.findByText('approved')).toBeInTheDocument();
      expect(renewals.at(-1)).toEqual({
        expiresAt: `${dateIn(90)}T23:59:59Z`,
      });
      expect(
        screen.getByRole('button', { name: 'Revoke github' }),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );
});

describe('The audit log', () => {
  it(
    'shows analysts who did what to which entry, filtered by who acted, and whether the chain is whole',
    async () => {
      const queries: URLSearchParams[] = [];
      server.use(
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [], totalCount: 0 }),
        ),
        http.get('*/api/mcpeeker/audit/verify', () =>
          HttpResponse.json({ ok: true, rows: 2 }),
        ),
        http.get('*/api/mcpeeker/audit', ({ request }) => {
          const params = new URL(request.url).searchParams;
          queries.push(params);
          return HttpResponse.json({
            items: [
              {
                seq: 2,
                at: inDays(0),
                actor: 'user:default/pat',
                action: 'deny',
                entryId: 'e1',
                details: { from: 'pending', to: 'denied', reason: 'duplicate' },
              },
              ...(params.get('actor')
                ? []
                : [
                    {
                      seq: 1,
                      at: inDays(-1),
                      actor: 'user:default/dana',
                      action: 'create',
                      entryId: 'e1',
                      details: { name: 'github' },
                    },
                  ]),
            ],
          });
        }),
      );
      renderMcpeekerPage('/mcpeeker/registry?view=audit', {
        apis: [identity],
        allow: true,
      });
      expect(
        await screen.findByText('Chain verified: all 2 rows as written.'),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      // The log's rows are drawn anew when the registry's own list comes
      // (read beside it, for the Entries tab): the row found each time.
      await waitFor(() => {
        const row = screen.getByRole('row', { name: /duplicate/ });
        expect(
          within(row).getByText(
            'denied (pending approval → denied): duplicate',
          ),
        ).toBeInTheDocument();
        expect(within(row).getByText('user:default/pat')).toBeInTheDocument();
      });
      expect(screen.getByRole('link', { name: 'github' })).toHaveAttribute(
        'href',
        '/mcpeeker/registry/e1',
      );
      await fill(
        screen.getByRole('textbox', { name: 'Who (entity ref)' }),
        'user:default/pat',
      );
      await waitFor(() =>
        expect(queries.at(-1)?.get('actor')).toBe('user:default/pat'),
      );
      await waitFor(() => expect(bodyRows()).toHaveLength(1));
    },
    FLOW_TIMEOUT,
  );
});

describe('Registration problems in words', () => {
  it('name the form field, never an internal field name', () => {
    expect(
      fieldProblems(registryEntryCreateSchema, {
        name: 'github',
        team: 'team-a',
        purpose: 'short',
        identity: {},
        transport: 'stdio',
        expiresAt: inDays(30),
      }),
    ).toEqual({
      team: 'Team must be an entity ref such as user:default/dana or group:default/team-a',
      purpose: 'Purpose must be at least 10 characters',
      identity: 'Give a package or a remote URL, or register from a finding.',
    });
    expect(
      problemsFromServer(
        'Invalid registration: purpose must be at least 10 characters; expiresAt must be in the future',
      ),
    ).toEqual({
      purpose: 'Purpose must be at least 10 characters',
      expiresAt: 'Expiry must be in the future',
    });
    expect(
      problemsFromServer(
        'identity: this server is already registered as github (entry e1, pending)',
      ),
    ).toEqual({
      identity:
        'This server is already registered as github (entry e1, pending)',
    });
    // A server.json's own field keeps its name: its author wrote it.
    expect(
      fieldProblems(registryImportSchema, {
        serverJson: {
          name: 'io.github.acme/weather',
          description: '',
          version: '1.0.0',
          remotes: [{ type: 'sse', url: 'https://weather.example/sse' }],
        },
        team: 'group:default/team-a',
        expiresAt: inDays(30),
      }),
    ).toEqual({ serverJson: 'server.json description must not be empty' });
    expect(
      problemsFromServer(
        'Invalid import: serverJson.description must not be empty',
      ),
    ).toEqual({ serverJson: 'server.json description must not be empty' });
  });

  it('take the package a finding is started from, not a script or a path', () => {
    const withCommand = (command: string, args: string[]) => ({
      ...findingDetail,
      evidence: {
        ...findingDetail.evidence,
        endpoint: findingDetail.evidence.endpoint.map(e => ({
          ...e,
          detection: { ...(e as any).detection, command, args },
        })) as any,
      },
    });
    expect(
      packageOfFinding(
        withCommand('npx', [
          '-y',
          '@modelcontextprotocol/server-filesystem',
          '/tmp',
        ]),
      ),
    ).toEqual({
      packageId: '@modelcontextprotocol/server-filesystem',
      packageArguments: ['/tmp'],
    });
    expect(
      packageOfFinding(withCommand('uvx', ['mcp-server-git==1.0'])),
    ).toEqual({ packageId: 'mcp-server-git', packageVersion: '1.0' });
    expect(
      packageOfFinding(withCommand('node', ['/home/dana/server.js'])),
    ).toBeUndefined();
  });
});
