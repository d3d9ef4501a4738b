import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { FindingDetail } from '@mcpeeker/plugin-mcpeeker-common';
import { ReactElement, useMemo, useState } from 'react';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { backendDefaults } from '../__testUtils__/backendDefaults';
import {
  finding,
  findingDetail,
  inDays,
  registryEntry as entry,
} from '../__testUtils__/fixtures';
import { reloaded } from '../__testUtils__/reloaded';
import { renderUnstyled, testClient } from '../__testUtils__/renderPage';
import { bodyRows } from '../__testUtils__/tableRows';
import { FindingsTable } from './Findings/FindingsTable';
import { ToolsPanel } from './Findings/ToolsPanel';
import { AgentsPage } from './Agents/AgentsPage';
import { ApprovalsPage } from './Registry/ApprovalsPage';

// What a developer sees in the browser's console on our pages: material-table
// warns, in development only, of columns "static, but [with] functions which
// update on every render". Its cause is ours when a table gets new columns
// each render (they reset its sort and page); material-table 3.2.5 also said
// it whenever the rows changed, which .yarn/patches mends as upstream did.
// Development mode is what the browser runs: the check reads NODE_ENV then.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

let warn: jest.SpyInstance;
const nodeEnv = process.env.NODE_ENV;
beforeEach(() => {
  process.env.NODE_ENV = 'development';
  warn = jest.spyOn(console, 'warn');
});
afterEach(() => {
  process.env.NODE_ENV = nodeEnv;
  warn.mockRestore();
});

/** What material-table said, of all console warnings. */
const tableWarnings = () =>
  warn.mock.calls
    .map(call => String(call[0]))
    .filter(message => /material table/i.test(message));

function render(element: ReactElement, path = '/') {
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({ authorize: 'ALLOW' as any }),
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
}

describe('Our tables, in development', () => {
  it('say nothing in the console as their rows come, change with a search and go', async () => {
    server.use(
      http.get('*/api/mcpeeker/registry', ({ request }) => {
        const q = new URL(request.url).searchParams.get('q');
        const items = [entry(), entry({ id: 'e2', name: 'linear' })].filter(
          e => !q || e.name.includes(q),
        );
        return HttpResponse.json({ items, totalCount: items.length });
      }),
    );
    render(<ApprovalsPage />);
    await screen.findByRole('row', { name: /^linear/ }, { timeout: 30_000 });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search name or purpose' }),
      'lin',
    );
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search name or purpose' }),
      'zzz',
    );
    await screen.findByText('No pending registration matches');
    expect(tableWarnings()).toEqual([]);
  });

  it('keep their columns when the finding is read again (the Tools card)', async () => {
    const changed: FindingDetail = {
      ...findingDetail,
      registryStatus: 'tools-changed',
      signals: {
        ...finding.signals,
        tools: {
          definitions: [{ name: 'echo', hash: 'e'.repeat(64) }],
          seenAt: '2026-11-22T09:00:00.000Z',
          from: 'endpoint/port',
        },
      },
      breakdown: {
        ...finding.breakdown,
        toolChange: {
          entryId: 'e1',
          entryName: 'github-mcp',
          pinnedAt: '2026-11-21T10:10:00.000Z',
          appeared: ['echo'],
          vanished: [],
          changed: [],
        },
      },
    };
    /** The finding page's part: each reload gives the card a finding read anew. */
    function Reloading() {
      const [version, setVersion] = useState(0);
      const read = useMemo(
        () => ({
          ...(JSON.parse(JSON.stringify(changed)) as FindingDetail),
          version,
        }),
        [version],
      );
      return (
        <>
          <button onClick={() => setVersion(v => v + 1)}>Read again</button>
          <ToolsPanel finding={read} onApproved={() => {}} />
        </>
      );
    }
    render(<Reloading />);
    await screen.findByText('new since approval', {}, { timeout: 30_000 });
    await userEvent.click(screen.getByRole('button', { name: 'Read again' }));
    await userEvent.click(screen.getByRole('button', { name: 'Read again' }));
    expect(screen.getByText('new since approval')).toBeInTheDocument();
    expect(tableWarnings()).toEqual([]);
  });

  it('keep their columns as the lists load and reload (the Agents page)', async () => {
    let revoked = false;
    server.use(
      http.get('*/api/mcpeeker/agents/enrolments', () =>
        HttpResponse.json({
          items: [
            {
              id: 'n1',
              owner: 'user:default/dana',
              label: 'dana-laptop',
              maxUses: 1,
              uses: 0,
              expiresAt: inDays(1),
              createdBy: 'user:default/pat',
              createdAt: inDays(0),
              ...(revoked
                ? { revokedBy: 'user:default/pat', revokedAt: inDays(0) }
                : {}),
            },
          ],
        }),
      ),
      http.get('*/api/mcpeeker/agents', () => HttpResponse.json({ items: [] })),
      http.post('*/api/mcpeeker/agents/enrolments/:id/revoke', () => {
        revoked = true;
        return HttpResponse.json({});
      }),
    );
    render(<AgentsPage />);
    await userEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Revoke enrolment “dana-laptop”' },
        { timeout: 30_000 },
      ),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );
    // Read again after the change: the row says so, and nothing was said in the console.
    expect(
      await screen.findByText('Enrolment “dana-laptop” revoked'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', {
          name: 'Revoke enrolment “dana-laptop”',
        }),
      ).toBeNull(),
    );
    expect(tableWarnings()).toEqual([]);
  });

  it('keep their columns when the filters change (the Findings list)', async () => {
    const queries: string[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({ items: [finding], totalCount: 1 });
      }),
    );
    render(<FindingsTable />, '/mcpeeker/findings');
    await screen.findByRole('row', { name: /github/ }, { timeout: 30_000 });
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Show suppressed' }),
    );
    await waitFor(() => expect(queries.at(-1)).toContain('suppressed=include'));
    // Its new rows came: the check covers them, not only the old ones.
    await reloaded();
    await screen.findByRole('row', { name: /github/ });
    expect(tableWarnings()).toEqual([]);
  });
});
