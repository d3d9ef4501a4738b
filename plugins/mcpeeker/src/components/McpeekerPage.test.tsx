import {
  screen,
  waitFor,
  waitForElementToBeRemoved,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from '../__testUtils__/backendDefaults';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { notificationsApiRef } from '@backstage/plugin-notifications';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { FindingDetail } from '@mcpeeker/plugin-mcpeeker-common';
import { useLocation, useNavigate } from 'react-router-dom';
import { reloaded } from '../__testUtils__/reloaded';
import { renderMcpeekerPage } from '../__testUtils__/renderPage';
import { bodyRows } from '../__testUtils__/tableRows';
import {
  demoIdentity as identity,
  finding,
  findingDetail,
  inDays,
} from '../__testUtils__/fixtures';

// The MCPeeker page's tabs, each rendered through the page itself (its routes
// and tab bar) in a minimal test app. One file: loading Backstage's
// components costs seconds per test file on a busy machine.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

// A whole flow through the page (several loads, a dialog or a form, a dozen
// role queries over core Tables) took 3–7 s here and up to 19 s with both
// cores busy, most of it jsdom computing styles for accessible names, not
// rendering. Each wait still fails after 30 s when its element never comes.
const FLOW_TIMEOUT = 60_000;

describe('Findings', () => {
  it(
    'lists findings with score, server and layers, filters by classification, and opens the explanation',
    async () => {
      const queries: string[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          queries.push(new URL(request.url).search);
          return HttpResponse.json({ items: [finding], totalCount: 1 });
        }),
        http.get('*/api/mcpeeker/findings/:id', ({ params }) =>
          params.id === finding.compositeId
            ? HttpResponse.json(findingDetail)
            : HttpResponse.json(
                { error: { name: 'NotFoundError', message: 'No finding' } },
                { status: 404 },
              ),
        ),
      );
      renderMcpeekerPage('/mcpeeker/findings');

      const row = await screen.findByRole('row', { name: /github/ });
      expect(within(row).getByText('9 · unauthorized')).toBeInTheDocument();
      expect(within(row).getByText('github')).toBeInTheDocument();
      expect(within(row).getByText('network')).toBeInTheDocument();
      expect(screen.getByText('1 finding')).toBeInTheDocument();

      await userEvent.click(screen.getByLabelText('Classification'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Unauthorized' }),
      );
      // The filtered list's rows: the link of a row before them leads nowhere.
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(queries.at(-1)).toContain('classification=unauthorized');

      await userEvent.click(
        within(screen.getByRole('row', { name: /github/ })).getByRole('link', {
          name: 'github',
        }),
      );
      expect(await screen.findByText('Why this score')).toBeInTheDocument();
      expect(
        screen.getByText('no verdict: no gateway request joined this finding'),
      ).toBeInTheDocument();
      // Back to the list as it was filtered.
      expect(screen.getByRole('link', { name: '← Findings' })).toHaveAttribute(
        'href',
        '/mcpeeker/findings?classification=unauthorized',
      );
      expect(
        screen.getByRole('button', { name: 'Register this server' }),
      ).toHaveAttribute(
        'href',
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
      );
      expect(
        within(screen.getByRole('row', { name: /^endpoint/ })).getByText('+6'),
      ).toBeInTheDocument();
      expect(
        within(screen.getByRole('row', { name: /^network/ })).getByText('+3'),
      ).toBeInTheDocument();
      const total = screen.getByRole('row', { name: /^Total/ });
      expect(within(total).getByText('9')).toBeInTheDocument();
      expect(
        within(total).getByText(/^unauthorized \(authorized ≤ 4/),
      ).toBeInTheDocument();
      expect(
        screen.getByText('the endpoint agent saw it (config ×1)'),
      ).toBeInTheDocument();
      expect(screen.getByTestId('rule-MCP-EP-001')).toHaveTextContent(
        'rule MCP-EP-001 "Reference MCP server package" (low) matched ×1',
      );
      expect(screen.getByText('reference-server')).toBeInTheDocument();
      expect(
        screen.getByText(/cursor config \(user\) declares 'github'/),
      ).toBeInTheDocument();
      await userEvent.click(screen.getByRole('tab', { name: 'network (0)' }));
      expect(
        screen.getByText('Nothing from the network layer.'),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'pages with the backend’s cursors, forward and back, and counts what it says',
    async () => {
      const cursors: Array<string | null> = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          const cursor = new URL(request.url).searchParams.get('cursor');
          cursors.push(cursor);
          return HttpResponse.json(
            cursor === 'page-2'
              ? {
                  items: [
                    { ...finding, compositeId: 'mcp_2', serverName: 'linear' },
                  ],
                  totalCount: 1000,
                  totalCountCapped: true,
                }
              : {
                  items: [finding],
                  nextCursor: 'page-2',
                  totalCount: 1000,
                  totalCountCapped: true,
                },
          );
        }),
      );
      renderMcpeekerPage('/mcpeeker/findings');
      await screen.findByRole('row', { name: /github/ });
      expect(screen.getByText('1,000+ findings')).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();

      await userEvent.click(screen.getByRole('button', { name: 'Next' }));
      expect(
        within(await screen.findByRole('row', { name: /linear/ })).getByRole(
          'link',
          { name: 'linear' },
        ),
      ).toHaveAttribute('href', '/mcpeeker/findings/mcp_2');
      expect(screen.queryByRole('row', { name: /github/ })).toBeNull();
      expect(cursors.at(-1)).toBe('page-2');
      // The backend gave no cursor past this page.
      expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

      await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
      await screen.findByRole('row', { name: /github/ });
      expect(cursors.at(-1)).toBeNull();
      expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    },
    FLOW_TIMEOUT,
  );

  it('says who judged a finding seen through a gateway, and on each request', async () => {
    const judge = {
      verdict: 'mcp' as const,
      confidence: 0.8,
      explanation: 'The tools name the GitHub MCP server.',
      judgedBy: 'offline' as const,
    };
    const gatewayFinding: FindingDetail = {
      ...findingDetail,
      layers: ['gateway'],
      signals: { ...finding.signals, judge },
      evidence: {
        endpoint: [],
        network: [],
        gateway: [
          {
            schemaVersion: '1.0',
            eventId: 'f'.repeat(64),
            layer: 'gateway',
            observedAt: '2026-11-21T10:02:00Z',
            compositeId: finding.compositeId,
            sensor: { id: 'litellm-1', kind: 'llm-gateway' },
            evidence: [],
            request: {
              requestId: 'req-1',
              toolNames: ['mcp__github__create_issue'],
              mcpServers: [],
            },
            judge,
          },
        ],
      },
    };
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(gatewayFinding),
      ),
    );
    renderMcpeekerPage(`/mcpeeker/findings/${finding.compositeId}`);

    expect(
      await screen.findByText(
        'uses an MCP server (80% sure) — Offline judge (rule-based)',
      ),
    ).toBeInTheDocument();
    // The Findings tab is the one a finding belongs to.
    expect(screen.getByRole('tab', { name: 'Findings' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await userEvent.click(screen.getByRole('tab', { name: 'gateway (1)' }));
    expect(
      screen.getByText(
        /Offline judge \(rule-based\): uses an MCP server — The tools name the GitHub MCP server\./,
      ),
    ).toBeInTheDocument();
  });

  it('says when there is nothing yet, and shows the backend error when it fails', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    const { unmount } = renderMcpeekerPage('/mcpeeker/findings', {
      apis: [identity],
    });
    expect(await screen.findByText('No findings yet')).toBeInTheDocument();
    expect(screen.getByText('mcpeeker-agent run')).toBeInTheDocument();
    // The tabs lead to their pages.
    await userEvent.click(screen.getByRole('tab', { name: 'Registry' }));
    expect(await screen.findByText('No registry entries')).toBeInTheDocument();
    unmount();

    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read MCP findings',
            },
            // As Backstage's error handler answers.
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    renderMcpeekerPage('/mcpeeker/findings');
    expect(
      await screen.findByText(/You may not read MCP findings/),
    ).toBeInTheDocument();
  });
});

/** Where the page is, and the browser's back and forward buttons. */
function BrowserBar() {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  return (
    <>
      <output aria-label="Location">{`${pathname}${search}`}</output>
      <button onClick={() => navigate(-1)}>Back</button>
      <button onClick={() => navigate(1)}>Forward</button>
    </>
  );
}

describe('Findings filters in the URL', () => {
  const since = '2026-11-20T00:00:00.000Z';
  const until = '2026-11-21T00:00:00.000Z';
  /** The list's requests, as their query parameters. */
  function listRequests(items = [finding]) {
    const queries: Array<Record<string, string>> = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        params.delete('limit');
        queries.push(Object.fromEntries(params));
        return HttpResponse.json({ items, totalCount: items.length });
      }),
    );
    return queries;
  }
  const location = () =>
    new URL(screen.getByLabelText('Location').textContent!, 'http://app');

  it(
    'reads its filters from the URL, writes each change back, keeps other parameters, and back and forward step through them',
    async () => {
      const queries = listRequests();
      renderMcpeekerPage(
        `/mcpeeker/findings?${new URLSearchParams({
          classification: 'suspect,unauthorized',
          minScore: '7',
          maxScore: '7',
          since,
          until,
          q: 'git',
          sort: 'lastSeen',
          view: 'compact',
        })}`,
        { alongside: <BrowserBar /> },
      );
      await screen.findByRole('row', { name: /github/ });
      // The backend is asked for what the URL says, and only for what it knows.
      expect(queries.at(-1)).toEqual({
        classification: 'suspect,unauthorized',
        minScore: '7',
        maxScore: '7',
        since,
        until,
        q: 'git',
        sort: 'lastSeen',
      });
      // Each filter shows: the controls' values, and chips for the others.
      expect(screen.getByLabelText('Classification')).toHaveTextContent(
        'suspect or unauthorized',
      );
      expect(screen.getByLabelText('Sort by')).toHaveTextContent('Last seen');
      expect(
        screen.getByRole('textbox', { name: 'Search server or owner' }),
      ).toHaveValue('git');
      expect(
        screen.getByRole('button', { name: 'Score 7: remove this filter' }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', {
          name: `Last seen between ${new Date(
            since,
          ).toLocaleString()} and ${new Date(
            until,
          ).toLocaleString()}: remove this filter`,
        }),
      ).toBeInTheDocument();

      // A choice goes into the URL; parameters of others stay.
      await userEvent.click(screen.getByLabelText('Layer'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Network' }),
      );
      // Each change reads the list again: what it asked, once it answered.
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(location().searchParams.get('layer')).toBe('network');
      expect(location().searchParams.get('view')).toBe('compact');
      expect(queries.at(-1)).toMatchObject({ layer: 'network', minScore: '7' });
      // Typing replaces the step it is in.
      await userEvent.type(
        screen.getByRole('textbox', { name: 'Search server or owner' }),
        'h',
      );
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(location().searchParams.get('q')).toBe('gith');
      // A chip removes its filter.
      await userEvent.click(
        screen.getByRole('button', { name: 'Score 7: remove this filter' }),
      );
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(location().searchParams.has('minScore')).toBe(false);
      expect(queries.at(-1)).not.toHaveProperty('minScore');
      expect(queries.at(-1)).not.toHaveProperty('maxScore');

      // Back: the score filter again; back once more: before the layer.
      await userEvent.click(screen.getByRole('button', { name: 'Back' }));
      await reloaded();
      expect(
        await screen.findByRole('button', {
          name: 'Score 7: remove this filter',
        }),
      ).toBeInTheDocument();
      expect(queries.at(-1)).toMatchObject({ minScore: '7', q: 'gith' });
      await userEvent.click(screen.getByRole('button', { name: 'Back' }));
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(location().searchParams.has('layer')).toBe(false);
      expect(queries.at(-1)).not.toHaveProperty('layer');
      expect(queries.at(-1)).toMatchObject({ q: 'git' });
      await userEvent.click(screen.getByRole('button', { name: 'Forward' }));
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(location().searchParams.get('layer')).toBe('network');

      // Clear filters: every filter off; the sort and the others' parameters stay.
      await userEvent.click(
        screen.getByRole('button', { name: 'Clear filters' }),
      );
      await reloaded();
      await screen.findByRole('row', { name: /github/ });
      expect(Object.fromEntries(location().searchParams)).toEqual({
        sort: 'lastSeen',
        view: 'compact',
      });
      expect(queries.at(-1)).toEqual({ sort: 'lastSeen' });
      expect(
        screen.queryByRole('button', { name: 'Clear filters' }),
      ).toBeNull();
    },
    FLOW_TIMEOUT,
  );

  it('offers to clear the filters when nothing matches them, without sending anyone to run the agent', async () => {
    const queries = listRequests([]);
    renderMcpeekerPage('/mcpeeker/findings?registry=unregistered&layer=bogus');
    const empty = await screen.findByText('No findings match these filters');
    // A value the list does not know is not sent.
    expect(queries.at(-1)).toEqual({ registry: 'unregistered', sort: 'score' });
    expect(screen.queryByText('mcpeeker-agent run')).toBeNull();
    await userEvent.click(
      within(empty.parentElement!).getByRole('button', {
        name: 'Clear filters',
      }),
    );
    // Said from the URL at once, before the list is read again.
    await reloaded();
    expect(await screen.findByText('No findings yet')).toBeInTheDocument();
    expect(queries.at(-1)).toEqual({ sort: 'score' });
  });
});

// Registry, Approvals, an entry's page and the audit log: Registry/Registry.test.tsx.

// Agent identity: admins only (mcpeeker.agent.manage).
describe('Tabs', () => {
  it(
    'shows no tab set until the permissions are known, then highlights Agents for an admin who opened /hosts',
    async () => {
      let answer: (result: AuthorizeResult) => void = () => {};
      const decided = new Promise<AuthorizeResult>(resolve => {
        answer = resolve;
      });
      const permissions = {
        authorize: async () => ({ result: await decided }),
        authorizeConditional: async () => ({ result: await decided }),
      };
      renderMcpeekerPage('/mcpeeker/hosts', {
        apis: [identity],
        permissionApi: [permissionApiRef, permissions],
      });
      expect(
        await screen.findByRole(
          'progressbar',
          { name: 'Loading your tabs' },
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      // Neither the developer's tabs nor a highlighted Dashboard meanwhile.
      expect(screen.queryByRole('tab')).toBeNull();

      answer(AuthorizeResult.ALLOW);
      const agents = await screen.findByRole(
        'tab',
        { name: 'Agents' },
        { timeout: 30_000 },
      );
      expect(agents).toHaveAttribute('aria-selected', 'true');
      expect(screen.getByRole('tab', { name: 'Dashboard' })).toHaveAttribute(
        'aria-selected',
        'false',
      );
      expect(screen.queryByRole('tab', { name: 'Hosts' })).toBeNull();
      expect(
        screen.queryByRole('progressbar', { name: 'Loading your tabs' }),
      ).toBeNull();
    },
    FLOW_TIMEOUT,
  );

  it('highlights the Hosts tab for a developer who opened /hosts', async () => {
    renderMcpeekerPage('/mcpeeker/hosts', { apis: [identity] });
    const hosts = await screen.findByRole(
      'tab',
      { name: 'Hosts' },
      { timeout: 30_000 },
    );
    expect(hosts).toHaveAttribute('aria-selected', 'true');
    expect(screen.queryByRole('tab', { name: 'Agents' })).toBeNull();
  });
});

/** The browser tab's title, once Backstage's Header has written it. */
async function titled(title: string) {
  await waitFor(() => expect(document.title).toBe(`${title} | Backstage`));
}

/** The tab underlined, if any. */
const selectedTabs = () =>
  screen
    .getAllByRole('tab')
    .filter(tab => tab.getAttribute('aria-selected') === 'true')
    .map(tab => tab.textContent);

/** The "Go to:" links of a page she may not open, or that is not there. */
const goTo = () =>
  within(screen.getByRole('navigation', { name: 'Where you can go' }))
    .getAllByRole('link')
    .map(link => [link.textContent, link.getAttribute('href')]);

/** A developer's tabs, as the "Go to:" links lead to them. */
const DEVELOPER_TABS = [
  ['Dashboard', '/mcpeeker'],
  ['Findings', '/mcpeeker/findings'],
  ['Registry', '/mcpeeker/registry'],
  ['Hosts', '/mcpeeker/hosts'],
  ['Settings', '/mcpeeker/settings'],
  ['Health', '/mcpeeker/health'],
];

describe('Where a developer may not go, or nothing is', () => {
  it.each([
    ['approvals', 'Approvals', 'platform admins'],
    ['suppressions', 'Suppressions', 'security analysts and platform admins'],
    ['agents', 'Agents', 'platform admins'],
  ])(
    '/mcpeeker/%s: says who may, underlines no tab, is titled %s, and leads to her own tabs',
    async (path, tab, who) => {
      renderMcpeekerPage(`/mcpeeker/${path}`, { apis: [identity] });
      expect(
        await screen.findByText(
          `The ${tab} tab is for ${who}`,
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      // Not the Dashboard, as if she were on it (before: Dashboard underlined
      // and titled "Dashboard").
      await screen.findByRole('tab', { name: 'Findings' });
      expect(selectedTabs()).toEqual([]);
      await titled(tab);
      expect(goTo()).toEqual(DEVELOPER_TABS);
    },
  );

  it('says a path that is no page is not found, underlines no tab, and links to the pages there are', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    renderMcpeekerPage('/mcpeeker/nonsense', {
      apis: [identity],
      alongside: <BrowserBar />,
    });
    expect(
      await screen.findByText('Page not found', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'MCPeeker has no page at /mcpeeker/nonsense. The link may be mistyped or out of date.',
      ),
    ).toBeInTheDocument();
    await screen.findByRole('tab', { name: 'Findings' });
    expect(selectedTabs()).toEqual([]);
    await titled('Page not found');
    expect(goTo()).toEqual(DEVELOPER_TABS);

    await userEvent.click(screen.getByRole('link', { name: 'Findings' }));
    expect(await screen.findByLabelText('Location')).toHaveTextContent(
      /^\/mcpeeker\/findings$/,
    );
    expect(screen.getByRole('tab', { name: 'Findings' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await titled('Findings');
  });

  it('says so of a path below a real page, without underlining that page’s tab', async () => {
    renderMcpeekerPage('/mcpeeker/registry/e9/nonsense', { apis: [identity] });
    expect(
      await screen.findByText('Page not found', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    await screen.findByRole('tab', { name: 'Registry' });
    expect(selectedTabs()).toEqual([]);
  });

  it('titles an admin’s Approvals tab, and underlines it', async () => {
    renderMcpeekerPage('/mcpeeker/approvals', {
      apis: [identity],
      allow: true,
    });
    await screen.findByRole('tab', { name: /^Approvals/ }, { timeout: 30_000 });
    expect(selectedTabs()).toEqual([expect.stringMatching(/^Approvals/)]);
    await titled('Approvals');
  });
});

describe('A finding’s title', () => {
  it('names the server in the browser’s tab, and the list again once she is back on it', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(findingDetail),
      ),
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    renderMcpeekerPage(`/mcpeeker/findings/${finding.compositeId}`);
    expect(
      await screen.findByText('Why this score', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    // Before: "Findings | …", whichever finding it was.
    await titled('github');
    await userEvent.click(screen.getByRole('link', { name: '← All findings' }));
    await screen.findByRole('row', { name: /github/ });
    await titled('Findings');
  });

  it.each([404, 403])(
    'says a finding there is none of (%s) is not found, in the tab too',
    async status => {
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          HttpResponse.json(
            {
              error: { name: 'NotFoundError', message: 'No finding' },
              response: { statusCode: status },
            },
            { status },
          ),
        ),
      );
      renderMcpeekerPage('/mcpeeker/findings/mcp_ffff', { apis: [identity] });
      expect(
        await screen.findByText(
          'No finding with this id, or you may not see it',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      // Before: "Findings", or "MCPeeker" while the tabs were loading.
      await titled('Finding not found');
    },
  );
});

describe('Agents', () => {
  const enrolment = (overrides: Record<string, unknown> = {}) => ({
    id: 'en1',
    owner: 'group:default/mcp-developers',
    label: 'team laptops',
    maxUses: 50,
    uses: 0,
    expiresAt: inDays(1),
    createdBy: 'user:default/admin',
    createdAt: inDays(0),
    ...overrides,
  });
  const agent = (overrides: Record<string, unknown> = {}) => ({
    id: 'ag1',
    hostIdHash: '0123456789abcdef'.repeat(4),
    owner: 'user:default/dana',
    enrolmentId: 'en1',
    enrolledAt: inDays(-2),
    lastSeenAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...overrides,
  });
  const discovery = mockApis.discovery({ baseUrl: 'http://backend' });

  it('is no tab without the manage permission, and its page says who may open it', async () => {
    renderMcpeekerPage('/mcpeeker/agents', { apis: [identity] });
    expect(
      await screen.findByText(
        'The Agents tab is for platform admins',
        {},
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/takes the permission mcpeeker\.agent\.manage/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/PAGE NOT FOUND/)).toBeNull();
    expect(screen.queryByRole('tab', { name: 'Agents' })).toBeNull();
    expect(
      screen.queryByRole('button', { name: /Create enrolment/ }),
    ).toBeNull();
  });

  it(
    'lets an admin issue an enrolment: the backend’s reason at the field, then the secret once with the enrol command',
    async () => {
      const posted: any[] = [];
      let enrolments: unknown[] = [];
      server.use(
        http.get('*/api/mcpeeker/agents/enrolments', () =>
          HttpResponse.json({ items: enrolments }),
        ),
        http.get('*/api/mcpeeker/agents', () =>
          HttpResponse.json({ items: [] }),
        ),
        http.post('*/api/mcpeeker/agents/enrolments', async ({ request }) => {
          const body = (await request.json()) as any;
          posted.push(body);
          if (!body.owner.startsWith('group:'))
            return HttpResponse.json(
              {
                error: {
                  name: 'InputError',
                  message:
                    'Invalid enrolment: owner must be a user or a group, not a component',
                },
                response: { statusCode: 400 },
              },
              { status: 400 },
            );
          const created = enrolment({
            owner: body.owner,
            label: body.label,
            maxUses: body.maxUses,
            expiresAt: body.expiresAt,
          });
          enrolments = [created];
          return HttpResponse.json(
            { ...created, secret: 'mcpe_s3cret' },
            { status: 201 },
          );
        }),
      );
      renderMcpeekerPage('/mcpeeker/agents', {
        apis: [identity, discovery],
        allow: true,
      });
      const owner = await screen.findByRole(
        'textbox',
        { name: /Owner/ },
        { timeout: 30_000 },
      );
      expect(screen.getByRole('tab', { name: 'Agents' })).toBeInTheDocument();
      // The agents and the enrolments are two lists, each read on its own.
      expect(
        await screen.findByText(
          /No agent enrolled yet: create an enrolment above/,
        ),
      ).toBeInTheDocument();
      expect(await screen.findByText(/No enrolment yet/)).toBeInTheDocument();

      // Values are pasted whole: the form checks values, not keys, and typing
      // key by key re-renders it once per key (seconds on a busy machine).
      await userEvent.click(owner);
      await userEvent.paste('component:default/x');
      await userEvent.click(
        screen.getByRole('button', { name: 'Create enrolment secret' }),
      );
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'Owner must be a user or a group, not a component',
      );
      expect(owner).toHaveAttribute('aria-invalid', 'true');
      expect(owner).toHaveAccessibleDescription(
        /Owner must be a user or a group/,
      );

      await userEvent.clear(owner);
      await userEvent.paste('group:default/mcp-developers');
      await userEvent.click(screen.getByRole('textbox', { name: 'Label' }));
      await userEvent.paste('team laptops');
      const uses = screen.getByRole('spinbutton', { name: 'Number of uses' });
      await userEvent.clear(uses);
      await userEvent.type(uses, '50');
      await userEvent.click(
        screen.getByRole('button', { name: 'Create enrolment secret' }),
      );

      const box = await screen.findByTestId('enrolment-secret');
      expect(box).toHaveTextContent('it is not shown again');
      expect(
        within(box).getByTestId('enrolment-secret-value'),
      ).toHaveTextContent('mcpe_s3cret');
      expect(within(box).getByTestId('enrol-command')).toHaveTextContent(
        'MCPEEKER_ENROLMENT_SECRET=mcpe_s3cret node plugins/mcpeeker-agent/bin/mcpeeker-agent enrol --url http://backend/api/mcpeeker',
      );
      expect(screen.queryByRole('alert')).toBeNull();
      expect(posted.at(-1)).toEqual({
        owner: 'group:default/mcp-developers',
        label: 'team laptops',
        maxUses: 50,
        expiresAt: expect.any(String),
      });
      // Tomorrow by default, end of the day where the admin is.
      const expires = Date.parse(posted.at(-1).expiresAt) - Date.now();
      expect(expires).toBeGreaterThan(0);
      expect(expires).toBeLessThanOrEqual(2 * 86_400_000);

      const row = await screen.findByRole('row', { name: /^team laptops/ });
      expect(within(row).getByText('team laptops')).toBeInTheDocument();
      expect(within(row).getByText('0 / 50')).toBeInTheDocument();
      expect(within(row).getByText('active')).toBeInTheDocument();

      await userEvent.click(
        screen.getByRole('button', { name: 'I have copied it' }),
      );
      expect(screen.queryByText(/mcpe_s3cret/)).toBeNull();
    },
    FLOW_TIMEOUT,
  );

  it(
    'revokes an agent after asking, and shows it revoked',
    async () => {
      const revoked: string[] = [];
      let agents = [
        agent(),
        agent({ id: 'ag2', hostIdHash: 'f'.repeat(64), lastSeenAt: undefined }),
      ];
      server.use(
        http.get('*/api/mcpeeker/agents/enrolments', () =>
          HttpResponse.json({
            items: [
              enrolment({ uses: 50 }),
              enrolment({ id: 'en2', label: undefined, revokedAt: inDays(0) }),
            ],
          }),
        ),
        http.get('*/api/mcpeeker/agents', () =>
          HttpResponse.json({ items: agents }),
        ),
        http.post('*/api/mcpeeker/agents/:id/revoke', ({ params }) => {
          revoked.push(String(params.id));
          agents = agents.map(a =>
            a.id === params.id
              ? { ...a, revokedAt: inDays(0), revokedBy: 'user:default/admin' }
              : a,
          );
          return HttpResponse.json(agents.find(a => a.id === params.id));
        }),
      );
      renderMcpeekerPage('/mcpeeker/agents', {
        apis: [identity, discovery],
        allow: true,
      });
      const rows = [
        await screen.findByRole(
          'row',
          { name: /^0123456789ab…/ },
          { timeout: 30_000 },
        ),
        screen.getByRole('row', { name: /^ffffffffffff…/ }),
      ];
      const host = within(rows[0]).getByText('0123456789ab…');
      expect(host).toHaveAttribute('title', '0123456789abcdef'.repeat(4));
      expect(
        within(rows[0]).getByText('user:default/dana'),
      ).toBeInTheDocument();
      expect(within(rows[0]).getByText('5 minutes ago')).toBeInTheDocument();
      expect(within(rows[1]).getByText('never')).toBeInTheDocument();
      // The agents, the enrolments and the hosts are three lists, each read
      // on its own (the hosts' table holds a loading row meanwhile).
      const enrolmentRows = [
        await screen.findByRole('row', { name: /^team laptops/ }),
        screen.getByRole('row', { name: /^—/ }),
      ];
      // Two agents and two enrolments, and no host reported (Hosts/HostsPage.test.tsx).
      await waitFor(() => {
        expect(bodyRows()).toHaveLength(5);
        expect(bodyRows()[4]).toHaveTextContent(/^No host has reported yet/);
      });
      expect(within(enrolmentRows[0]).getByText('used up')).toBeInTheDocument();
      expect(within(enrolmentRows[0]).getByText('50 / 50')).toBeInTheDocument();
      expect(within(enrolmentRows[1]).getByText('revoked')).toBeInTheDocument();
      // Neither can enrol any more agent: nothing to revoke.
      expect(
        within(enrolmentRows[0]).queryByRole('button', { name: /Revoke/ }),
      ).toBeNull();

      await userEvent.click(
        within(rows[0]).getByRole('button', {
          name: 'Revoke agent on host 0123456789ab',
        }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(dialog).toHaveTextContent('Its credential is refused from now on');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );
      await waitForElementToBeRemoved(dialog);
      expect(revoked).toEqual([]);

      await userEvent.click(
        within(rows[0]).getByRole('button', {
          name: 'Revoke agent on host 0123456789ab',
        }),
      );
      await userEvent.click(
        within(await screen.findByRole('dialog')).getByRole('button', {
          name: 'Revoke',
        }),
      );
      expect(await screen.findByRole('status')).toHaveTextContent(
        'Agent on host 0123456789ab revoked',
      );
      expect(revoked).toEqual(['ag1']);
      // The list is read again after the status shows: its row, found anew
      // each time, not the row of the list before it.
      const agentRow = () =>
        screen.getByRole('row', { name: /^0123456789ab…/ });
      await waitFor(() =>
        expect(within(agentRow()).getByText('revoked')).toBeInTheDocument(),
      );
      expect(
        within(agentRow()).queryByRole('button', { name: /Revoke/ }),
      ).toBeNull();
    },
    FLOW_TIMEOUT,
  );
});

describe('Suppressions', () => {
  it('tells a developer who opens it that it is for analysts and admins, and which permission it takes', async () => {
    let asked = false;
    server.use(
      http.get('*/api/mcpeeker/suppressions', () => {
        asked = true;
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    renderMcpeekerPage('/mcpeeker/suppressions', { apis: [identity] });
    expect(
      await screen.findByText(
        'The Suppressions tab is for security analysts and platform admins',
        {},
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Opening it takes the permission mcpeeker.suppression.read, which your role does not have. Ask a platform admin if you need it.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/PAGE NOT FOUND/)).toBeNull();
    expect(screen.queryByRole('tab', { name: 'Suppressions' })).toBeNull();
    // The other tabs stay within reach.
    expect(screen.getByRole('tab', { name: 'Findings' })).toBeInTheDocument();
    expect(asked).toBe(false);
  });
});

describe('Settings', () => {
  it('shows and saves the finding-alert threshold, beside the notification channels', async () => {
    const patches: unknown[] = [];
    let prefs = { findingAlerts: { enabled: true, minScore: 9 } };
    server.use(
      http.get('*/api/mcpeeker/users/me/preferences', () =>
        HttpResponse.json(prefs),
      ),
      http.patch('*/api/mcpeeker/users/me/preferences', async ({ request }) => {
        const patch = (await request.json()) as any;
        patches.push(patch);
        prefs = {
          findingAlerts: { ...prefs.findingAlerts, ...patch.findingAlerts },
        };
        return HttpResponse.json(prefs);
      }),
    );
    const channels = {
      channels: [
        {
          id: 'Email',
          origins: [{ id: 'plugin:mcpeeker', enabled: true, topics: [] }],
        },
      ],
    };
    renderMcpeekerPage('/mcpeeker/settings', {
      apis: [
        identity,
        [
          notificationsApiRef,
          {
            getNotificationSettings: async () => channels,
            updateNotificationSettings: async (s: any) => s,
          } as any,
        ],
      ],
    });
    const threshold = await screen.findByLabelText(
      'Alert from',
      {},
      { timeout: 30_000 },
    );
    expect(threshold).toHaveTextContent('unauthorized only (9+)');
    await userEvent.click(threshold);
    await userEvent.click(
      await screen.findByRole('option', { name: 'suspect and above (5+)' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Saved');
    expect(patches).toEqual([{ findingAlerts: { minScore: 5 } }]);
    expect(screen.getByLabelText('Alert from')).toHaveTextContent(
      'suspect and above (5+)',
    );
    // The channels are Backstage's notification settings for MCPeeker.
    expect(
      await screen.findByRole('cell', { name: 'MCPeeker' }),
    ).toBeInTheDocument();
  });
});
