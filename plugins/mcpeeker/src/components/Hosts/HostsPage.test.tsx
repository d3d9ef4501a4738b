import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { HostEnforcementState } from '@mcpeeker/plugin-mcpeeker-common';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { demoIdentity as identity } from '../../__testUtils__/fixtures';
import {
  renderMcpeekerPage,
  renderUnstyled,
  testClient,
} from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import { mcpeekerApiRef } from '../../api';
import { enforcementSummary, HostsPage } from './HostsPage';

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const FLOW_TIMEOUT = 60_000;
const minutesAgo = (m: number) =>
  new Date(Date.now() - m * 60_000).toISOString();

const ENFORCING: HostEnforcementState = {
  hostIdHash: 'a1b2c3d4e5f6'.padEnd(64, '0'),
  label: 'Dana’s MacBook',
  os: 'darwin',
  owner: 'user:default/dana',
  clients: [
    {
      client: 'claude-code',
      mode: 'managed-only',
      byMcpeeker: true,
      allowed: 3,
      appliedAt: '2026-11-21T09:30:00Z',
    },
    { client: 'vscode', mode: 'registry-only', byMcpeeker: false },
  ],
  reportedAt: minutesAgo(5),
};
const REPORTING: HostEnforcementState = {
  hostIdHash: 'ffeeddccbbaa'.padEnd(64, '1'),
  os: 'linux',
  owner: 'user:default/dana',
  clients: [],
  reportedAt: minutesAgo(120),
};

/** The backend's /hosts: the filter it was asked, and the hosts that pass it. */
function answerHosts(queries: string[]) {
  server.use(
    http.get('*/api/mcpeeker/hosts', ({ request }) => {
      const enforcing = new URL(request.url).searchParams.get('enforcing');
      queries.push(enforcing ?? 'all');
      const items = [ENFORCING, REPORTING].filter(
        h =>
          enforcing === null || h.clients.length > 0 === (enforcing === 'true'),
      );
      return HttpResponse.json({ items, total: 2, enforcing: 1 });
    }),
  );
}

/** Where the page is, for the test to read. */
function Where() {
  const { search } = useLocation();
  return <output aria-label="Location">{search}</output>;
}

/** The Hosts list alone, at `path`, over the real client. */
function renderHosts(path = '/') {
  return renderUnstyled(
    <>
      <HostsPage />
      <Where />
    </>,
    { apis: [[mcpeekerApiRef, testClient]], initialRouteEntries: [path] },
  );
}

describe('Hosts', () => {
  it(
    'shows a developer which of their hosts enforce, by name, what each client enforces, when it was reported, and filters in the URL',
    async () => {
      const queries: string[] = [];
      answerHosts(queries);
      renderHosts();
      expect(
        await screen.findByText(
          '1 of 2 host reports says the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();

      const [enforcing, reporting] = bodyRows();
      // A host its agent labels is named so, its hashed id under the name;
      // one with no label by its hashed id.
      // Each hash by its first 12 characters, whole on hover and copied
      // (before: all 64 characters in the cell).
      expect(within(enforcing).getByText('Dana’s MacBook')).toBeInTheDocument();
      expect(within(enforcing).getByText('a1b2c3d4e5f6…')).toHaveAttribute(
        'title',
        ENFORCING.hostIdHash,
      );
      expect(
        within(reporting).getByRole('button', { name: 'Copy the host id' }),
      ).toBeInTheDocument();
      expect(within(reporting).getByText('ffeeddccbbaa…')).toHaveAttribute(
        'title',
        REPORTING.hostIdHash,
      );
      expect(reporting).not.toHaveTextContent(REPORTING.hostIdHash);
      expect(within(enforcing).getByText('Enforces')).toBeInTheDocument();
      expect(
        within(enforcing).getByText(
          'Claude Code: allowlist, deny others; VS Code: registry only',
        ),
      ).toBeInTheDocument();
      expect(within(enforcing).getByText('macOS')).toBeInTheDocument();
      expect(within(enforcing).getByText('5 minutes ago')).toBeInTheDocument();
      // The details, on hover: who wrote each policy and how many it allows.
      const details = within(enforcing)
        .getByText('Enforces')
        .closest('[title]')!
        .getAttribute('title');
      expect(details).toMatch(
        /^Claude Code: allowlist, deny others \(3 servers allowed, written by mcpeeker-agent policy /,
      );
      expect(details).toMatch(
        /VS Code: registry only \(not written by MCPeeker \(an administrator or another tool\)\)$/,
      );
      expect(within(reporting).getByText('Reports only')).toBeInTheDocument();
      expect(within(reporting).getByText('2 hours ago')).toBeInTheDocument();
      expect(within(reporting).queryByText('Enforces')).toBeNull();

      await userEvent.click(screen.getByLabelText('Show'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Reporting only' }),
      );
      await waitFor(() => expect(queries.at(-1)).toBe('false'));
      // The filter is the page's query: a link to it, or a reload, shows the same.
      expect(screen.getByLabelText('Location')).toHaveTextContent(
        '?enforcing=false',
      );
      // While it reloads, the table's one row is its loading row: the host's
      // row is the one after.
      await waitFor(() => {
        expect(bodyRows()).toHaveLength(1);
        expect(within(bodyRows()[0]).getByText('Reports only')).toBeTruthy();
      });
      // The count stays that of every host report the developer may see.
      expect(
        screen.getByText(
          '1 of 2 host reports says the approved servers are enforced',
        ),
      ).toBeInTheDocument();

      // All hosts again: nothing of the filter is left in the URL.
      await userEvent.click(screen.getByLabelText('Show'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'All hosts' }),
      );
      await waitFor(() => expect(queries.at(-1)).toBe('all'));
      expect(screen.getByLabelText('Location')).toBeEmptyDOMElement();
    },
    FLOW_TIMEOUT,
  );

  it(
    'opens filtered as its URL says, and reads anything else as all hosts',
    async () => {
      const queries: string[] = [];
      answerHosts(queries);
      const { unmount } = await renderHosts('/?enforcing=true&other=kept');
      expect(
        await screen.findByText('Dana’s MacBook', {}, { timeout: 30_000 }),
      ).toBeInTheDocument();
      expect(bodyRows()).toHaveLength(1);
      expect(queries).toEqual(['true']);
      expect(screen.getByLabelText('Show')).toHaveTextContent('Enforcing');
      // Another filter keeps what else the query holds.
      await userEvent.click(screen.getByLabelText('Show'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Reporting only' }),
      );
      expect(screen.getByLabelText('Location')).toHaveTextContent(
        '?enforcing=false&other=kept',
      );
      // Asked before the page goes: a request still on its way would land in
      // the next page's record.
      await waitFor(() => expect(queries).toEqual(['true', 'false']));
      unmount();

      queries.length = 0;
      await renderHosts('/?enforcing=maybe');
      expect(
        await screen.findByText('Reports only', {}, { timeout: 30_000 }),
      ).toBeInTheDocument();
      expect(bodyRows()).toHaveLength(2);
      expect(queries).toEqual(['all']);
      expect(screen.getByLabelText('Show')).toHaveTextContent('All hosts');
    },
    FLOW_TIMEOUT,
  );

  it(
    'counts the rows it shows: a shared host once per owner, as each agent reports it',
    async () => {
      const DANAS: HostEnforcementState = {
        ...ENFORCING,
        clients: [
          { client: 'claude-code', mode: 'allowlist', byMcpeeker: true },
          { client: 'vscode', mode: 'registry', byMcpeeker: true },
        ],
      };
      const PATS: HostEnforcementState = {
        ...DANAS,
        owner: 'user:default/pat',
        clients: [],
      };
      server.use(
        http.get('*/api/mcpeeker/hosts', () =>
          HttpResponse.json({ items: [DANAS, PATS], total: 2, enforcing: 1 }),
        ),
      );
      const { unmount } = await renderHosts();
      expect(
        await screen.findByText(
          '1 of 2 host reports says the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/^A row per host and owner \(each person's agent/),
      ).toBeInTheDocument();
      const [dana, pat] = bodyRows();
      expect(within(dana).getByText('user:default/dana')).toBeTruthy();
      expect(within(dana).getByText('Enforces')).toBeTruthy();
      expect(
        within(dana).getByText('Claude Code: allowlist; VS Code: registry'),
      ).toBeTruthy();
      expect(within(pat).getByText('user:default/pat')).toBeTruthy();
      expect(within(pat).getByText('Reports only')).toBeTruthy();

      unmount();

      // Dana sees her report of the host alone.
      server.use(
        http.get('*/api/mcpeeker/hosts', () =>
          HttpResponse.json({ items: [DANAS], total: 1, enforcing: 1 }),
        ),
      );
      await renderHosts();
      expect(
        await screen.findByText(
          '1 of 1 host report says the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'says what to do when no host enforces, and shows the backend’s refusal',
    async () => {
      server.use(
        http.get('*/api/mcpeeker/hosts', () =>
          HttpResponse.json({ items: [], total: 3, enforcing: 0 }),
        ),
      );
      const { unmount } = await renderHosts();
      expect(
        await screen.findByText(
          '0 of 3 host reports say the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      await userEvent.click(screen.getByLabelText('Show'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Enforcing' }),
      );
      expect(
        await screen.findByText(/No host enforces yet: mcpeeker-agent policy/),
      ).toBeInTheDocument();
      unmount();

      server.use(
        http.get('*/api/mcpeeker/hosts', () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: 'You may not read MCP findings',
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          ),
        ),
      );
      renderHosts();
      expect(
        await screen.findByText(
          /You may not read MCP findings/,
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'is a Hosts tab of its own for developers; admins see the hosts in the Agents tab',
    async () => {
      answerHosts([]);
      const { unmount } = await renderMcpeekerPage('/mcpeeker/hosts', {
        apis: [identity],
      });
      expect(
        await screen.findByText(
          '1 of 2 host reports says the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Hosts' })).toBeInTheDocument();
      expect(screen.queryByRole('tab', { name: 'Agents' })).toBeNull();
      unmount();

      server.use(
        http.get('*/api/mcpeeker/agents/enrolments', () =>
          HttpResponse.json({ items: [] }),
        ),
        http.get('*/api/mcpeeker/agents', () =>
          HttpResponse.json({ items: [] }),
        ),
      );
      renderMcpeekerPage('/mcpeeker/agents', { apis: [identity], allow: true });
      expect(
        await screen.findByText(
          '1 of 2 host reports says the approved servers are enforced',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Agents' })).toBeInTheDocument();
      expect(screen.queryByRole('tab', { name: 'Hosts' })).toBeNull();
      expect(
        screen.getByText(
          'Claude Code: allowlist, deny others; VS Code: registry only',
        ),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );
});

describe('enforcementSummary', () => {
  it('names every client mcpeeker-agent policy writes, not its id', () => {
    expect(
      enforcementSummary([
        { client: 'gemini-cli', mode: 'managed-only', byMcpeeker: true },
        { client: 'qwen-code', mode: 'fixed', byMcpeeker: true },
      ]),
    ).toBe('Gemini CLI: allowlist, deny others; Qwen Code: fixed servers only');
  });
});
