import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { HostEnforcementState } from '@mcpeeker/plugin-mcpeeker-common';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { demoIdentity as identity } from '../../__testUtils__/fixtures';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const FLOW_TIMEOUT = 60_000;
const minutesAgo = (m: number) =>
  new Date(Date.now() - m * 60_000).toISOString();

const ENFORCING: HostEnforcementState = {
  hostIdHash: 'a1b2c3d4e5f6'.padEnd(64, '0'),
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

describe('Hosts', () => {
  it(
    'shows a developer which of their hosts enforce, what each client enforces, when it was reported, and filters',
    async () => {
      const queries: string[] = [];
      answerHosts(queries);
      renderMcpeekerPage('/mcpeeker/hosts', { apis: [identity] });
      expect(
        await screen.findByText(
          '1 of 2 hosts enforces the approved servers',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Hosts' })).toBeInTheDocument();
      expect(screen.queryByRole('tab', { name: 'Agents' })).toBeNull();

      const [enforcing, reporting] = bodyRows();
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
      await waitFor(() => expect(bodyRows()).toHaveLength(1));
      expect(within(bodyRows()[0]).getByText('Reports only')).toBeTruthy();
      // The count stays that of every host the developer may see.
      expect(
        screen.getByText('1 of 2 hosts enforces the approved servers'),
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
      const { unmount } = await renderMcpeekerPage('/mcpeeker/hosts', {
        apis: [identity],
      });
      expect(
        await screen.findByText(
          '0 of 3 hosts enforce the approved servers',
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
      renderMcpeekerPage('/mcpeeker/hosts', { apis: [identity] });
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
    'shows admins the hosts in the Agents tab, with no Hosts tab of their own',
    async () => {
      answerHosts([]);
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
          '1 of 2 hosts enforces the approved servers',
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
