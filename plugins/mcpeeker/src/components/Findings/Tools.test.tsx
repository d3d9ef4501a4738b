import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { FindingDetail, McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  renderMcpeekerPage,
  renderUnstyled,
  testClient,
} from '../../__testUtils__/renderPage';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { bodyRows } from '../../__testUtils__/tableRows';
import {
  demoIdentity as identity,
  endpointEvidence,
  finding,
  findingDetail,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';
import { FindingsTable } from './FindingsTable';
import { ToolsPanel } from './ToolsPanel';
import { fill } from '../../__testUtils__/fill';

// Tool pinning as people meet it: a finding's tools, what changed since its
// entry was approved and an admin's re-approval, the list's badge and
// filter, and the tools pinned on an entry.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const TOOLS = {
  definitions: [
    { name: 'delete_everything', hash: 'd'.repeat(64) },
    { name: 'echo', hash: `0123456789ab${'1'.repeat(52)}` },
    { name: 'read_file', hash: '2'.repeat(64) },
  ],
  seenAt: '2026-11-22T09:00:00.000Z',
  from: 'endpoint/port',
};

/** Dana's server, approved, as it is after the same tools were seen again. */
const approved: FindingDetail = {
  ...findingDetail,
  registryStatus: 'approved',
  score: 0,
  classification: 'authorized',
  signals: { ...finding.signals, tools: TOOLS },
};

/** The same server offering a tool more, another gone and one redefined. */
const pulled: FindingDetail = {
  ...approved,
  registryStatus: 'tools-changed',
  score: 6,
  classification: 'suspect',
  breakdown: {
    ...finding.breakdown,
    score: 6,
    classification: 'suspect',
    toolChange: {
      entryId: 'e1',
      entryName: 'github-mcp',
      pinnedAt: '2026-11-21T10:10:00.000Z',
      appeared: ['delete_everything'],
      vanished: ['list_issues'],
      changed: ['read_file'],
    },
  },
  toolChangeExplanation: {
    text: "Offline judge (rule-based, no model was asked): 'delete_everything' appeared <b>since approval</b>.",
    judgedBy: 'offline',
  },
};

/** A permission API whose answer the test waits for: absence is then the answer, not a page still loading. */
function permissions(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const authorize = jest.fn(async () => ({ result }));
  return {
    authorize,
    api: [permissionApiRef, { authorize, authorizeConditional: authorize }],
  } as const;
}

describe('ToolsPanel', () => {
  it("lists the server's tools with a short definition hash, who reported them and when", async () => {
    const { unmount } = await renderUnstyled(
      <ToolsPanel finding={approved} onApproved={() => {}} />,
      { mountedRoutes: { '/mcpeeker': rootRouteRef } },
    );
    expect(
      await screen.findByText(/^3 tools as the agent's port probe reported/),
    ).toBeInTheDocument();
    const rows = bodyRows();
    expect(rows.map(r => r.textContent)).toEqual([
      'delete_everythingdddddddddddd…',
      'echo0123456789ab…',
      'read_file222222222222…',
    ]);
    expect(within(rows[1]).getByTitle(TOOLS.definitions[1].hash)).toBeVisible();
    expect(
      screen.queryByRole('region', { name: 'Tools changed since approval' }),
    ).toBeNull();
    unmount();

    // An agent that reports names only: the port probe's names, without hashes.
    const probe: McpEvent = {
      ...endpointEvidence,
      eventId: 'c'.repeat(64),
      detection: {
        source: 'port',
        port: 3001,
        url: 'http://127.0.0.1:3001/mcp',
        transport: 'http',
        serverInfo: { name: 'everything' },
        tools: ['echo', 'add'],
      },
    } as McpEvent;
    await renderUnstyled(
      <ToolsPanel
        finding={{
          ...findingDetail,
          evidence: { endpoint: [probe], network: [], gateway: [] },
        }}
        onApproved={() => {}}
      />,
      { mountedRoutes: { '/mcpeeker': rootRouteRef } },
    );
    expect(
      await screen.findByText(/^2 tools as the agent's port probe reported/),
    ).toBeInTheDocument();
    expect(bodyRows().map(r => r.textContent)).toEqual([
      'addnot reported',
      'echonot reported',
    ]);
  });

  it('says in words what changed since approval, why, and where the entry is; a developer gets no approve button', async () => {
    const { authorize, api } = permissions(AuthorizeResult.DENY);
    await renderUnstyled(
      <SWRConfig value={{ provider: () => new Map() }}>
        <ToolsPanel finding={pulled} onApproved={() => {}} />
      </SWRConfig>,
      {
        mountedRoutes: { '/mcpeeker': rootRouteRef },
        apis: [api],
      },
    );
    const warning = await screen.findByRole('region', {
      name: 'Tools changed since approval',
    });
    expect(within(warning).getByTestId('tools-appeared')).toHaveTextContent(
      'Appeared (offered now, not when approved): delete_everything',
    );
    expect(within(warning).getByTestId('tools-vanished')).toHaveTextContent(
      'Vanished (approved, no longer offered): list_issues',
    );
    expect(within(warning).getByTestId('tools-changed')).toHaveTextContent(
      'Changed (same name, another description or input schema): read_file',
    );
    expect(
      within(warning).getByText('Explained by: Offline judge (rule-based)'),
    ).toBeInTheDocument();
    // The explanation as the text it is, markup included.
    const explanation = within(warning).getByTestId('tool-change-explanation');
    expect(explanation.textContent).toBe(pulled.toolChangeExplanation!.text);
    expect(explanation.querySelector('b')).toBeNull();
    expect(
      within(warning).getByRole('link', {
        name: "registry entry 'github-mcp'",
      }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
    // Each current tool says, in words, how it stands against the pin.
    expect(
      bodyRows().map(r => within(r).getAllByRole('cell').at(-1)?.textContent),
    ).toEqual(['new since approval', 'as approved', 'definition changed']);

    await waitFor(() => expect(authorize).toHaveBeenCalled());
    await act(async () => {});
    expect(
      screen.queryByRole('button', { name: 'Approve these tools' }),
    ).toBeNull();
  });

  it('lets an admin approve the tools: the API refusal is shown, then an approval reloads the finding as approved', async () => {
    const decisions: Array<{ path: string; body: unknown }> = [];
    let current = pulled;
    let refuse = true;
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () => HttpResponse.json(current)),
      http.post(
        '*/api/mcpeeker/registry/:id/:decision',
        async ({ request, params }) => {
          decisions.push({
            path: `${params.id}/${params.decision}`,
            body: await request.json(),
          });
          if (refuse)
            return HttpResponse.json(
              {
                error: {
                  name: 'ConflictError',
                  message: 'expiresAt: the entry has expired; extend it first',
                },
              },
              { status: 409 },
            );
          current = approved;
          return HttpResponse.json({
            ...entry({ status: 'approved' }),
            rescoredFindings: 1,
          });
        },
      ),
    );
    renderMcpeekerPage(`/mcpeeker/findings/${finding.compositeId}`, {
      apis: [identity],
      allow: true,
    });
    expect(
      await screen.findByText('approved — tools changed since approval'),
    ).toBeInTheDocument();
    // Marked beside the score too: the badge and the warning's heading.
    expect(screen.getAllByText('Tools changed since approval')).toHaveLength(2);
    const approve = await screen.findByRole('button', {
      name: 'Approve these tools',
    });
    await userEvent.click(approve);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'expiresAt: the entry has expired; extend it first',
    );

    refuse = false;
    await fill(
      screen.getByRole('textbox', { name: 'Reason' }),
      'reviewed delete_everything',
    );
    await userEvent.click(approve);
    expect(await screen.findByRole('status')).toHaveTextContent(
      "Tools of 'github-mcp' approved and pinned; 1 finding rescored",
    );
    // The finding, reloaded: approved, no warning, the tools still listed.
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Tools changed since approval' }),
      ).toBeNull(),
    );
    expect(screen.getByText('approved')).toBeInTheDocument();
    expect(screen.queryByText('Tools changed since approval')).toBeNull();
    expect(screen.getByText('0 · authorized')).toBeInTheDocument();
    expect(
      screen.getByText(/^3 tools as the agent's port probe reported/),
    ).toBeInTheDocument();
    expect(decisions).toEqual([
      { path: 'e1/approve', body: {} },
      { path: 'e1/approve', body: { reason: 'reviewed delete_everything' } },
    ]);
  });
});

describe('ToolsPanel, read east of UTC', () => {
  // A reader in Auckland, 13 hours ahead of UTC in November.
  readerInTimeZone('Pacific/Auckland');
  const inAuckland = seenIn('Pacific/Auckland');
  /** The time element in `container` showing `iso` in the reader's time. */
  const timeShowing = (container: HTMLElement, iso: string) => {
    const time = within(container).getByText(inAuckland(iso));
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('dateTime', iso);
  };

  it('says when the set was pinned and when the tools were reported, in the reader’s time', async () => {
    const { pinnedAt } = pulled.breakdown.toolChange!;
    await renderUnstyled(
      <SWRConfig value={{ provider: () => new Map() }}>
        <ToolsPanel finding={pulled} onApproved={() => {}} />
      </SWRConfig>,
      {
        mountedRoutes: { '/mcpeeker': rootRouteRef },
        apis: [permissions(AuthorizeResult.DENY).api],
      },
    );
    const warning = await screen.findByRole('region', {
      name: 'Tools changed since approval',
    });
    expect(warning).toHaveTextContent(
      `than the set pinned on registry entry 'github-mcp' on ${inAuckland(
        pinnedAt,
      )}. It gets no registry discount`,
    );
    timeShowing(warning, pinnedAt);
    const reported = screen.getByText(
      /^3 tools as the agent's port probe reported them/,
    );
    expect(reported).toHaveTextContent(
      `3 tools as the agent's port probe reported them, ${inAuckland(
        TOOLS.seenAt,
      )}`,
    );
    timeShowing(reported, TOOLS.seenAt);
  });
});

describe('FindingsTable', () => {
  it('badges a finding whose tools changed, and filters to them', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        return HttpResponse.json({
          items: [
            pulled,
            ...(params.has('registry')
              ? []
              : [
                  {
                    ...finding,
                    compositeId: 'mcp_other',
                    serverName: 'linear',
                  },
                ]),
          ],
          totalCount: 1,
        });
      }),
    );
    await renderUnstyled(<FindingsTable />, {
      apis: [[mcpeekerApiRef, testClient]],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
    });
    const row = await screen.findByRole('row', { name: /github/ });
    expect(within(row).getByText('Tools changed')).toBeInTheDocument();
    expect(
      within(screen.getByRole('row', { name: /linear/ })).queryByText(
        'Tools changed',
      ),
    ).toBeNull();
    expect(queries.at(-1)?.has('registry')).toBe(false);

    await userEvent.click(screen.getByLabelText('Registry'));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'Approved, tools changed since',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('row', { name: /linear/ })).toBeNull(),
    );
    expect(queries.at(-1)?.get('registry')).toBe('tools-changed');
  });
});

describe('Registry entries', () => {
  it('show the tools pinned on each (count, names, when, by whom), or why none are', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/registry', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({
          items: [
            entry({
              name: 'github-mcp',
              status: 'approved',
              pinnedTools: {
                definitions: TOOLS.definitions.slice(1),
                pinnedAt: '2026-11-21T10:10:00.000Z',
                pinnedBy: 'user:default/pat',
                fromFinding: finding.compositeId,
                from: 'endpoint/port',
              },
            }),
            entry({ id: 'e2', name: 'github-mcp-staging' }),
          ],
          totalCount: 2,
        });
      }),
    );
    // As a finding links to its entry: by name.
    renderMcpeekerPage('/mcpeeker/registry?q=github-mcp', {
      apis: [identity],
    });
    await screen.findByRole('row', { name: /^github-mcp-staging/ });
    const [pinned, notYet] = bodyRows();
    // Under the entry's name: the count, its names, when and by whom in the title.
    expect(within(pinned).getByText('2 tools pinned')).toHaveAttribute(
      'title',
      expect.stringMatching(
        /^echo, read_file — pinned .* by user:default\/pat$/,
      ),
    );
    expect(within(notYet).getByText('No tools pinned yet')).toHaveAttribute(
      'title',
      'Pinned on approval, or the first set seen after.',
    );
    expect(
      screen.getByRole('textbox', { name: 'Search name or purpose' }),
    ).toHaveValue('github-mcp');
    expect(queries[0].get('q')).toBe('github-mcp');
  });
});
