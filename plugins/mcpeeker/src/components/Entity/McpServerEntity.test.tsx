import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderUnstyled } from '../../__testUtils__/renderPage';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { McpeekerClient, mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { finding, inDays } from '../../__testUtils__/fixtures';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { bodyRows } from '../../__testUtils__/tableRows';
import {
  McpServerFindingsContent,
  McpServerOverviewCard,
} from './McpServerEntity';

const entity = {
  apiVersion: 'mcpeeker.io/v1alpha1',
  kind: 'MCPServer',
  metadata: { name: 'github-e1', title: 'github' },
  spec: {
    type: 'local',
    lifecycle: 'production',
    owner: 'group:default/team-a',
    transport: 'stdio',
    serverName: 'github',
    registry: { status: 'approved', entryId: 'e1' },
  },
};

const client = new McpeekerClient({
  discoveryApi: { getBaseUrl: async () => 'http://backend/api/mcpeeker' },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

/**
 * The findings list as the backend answers it: only the server name asked
 * for (serverName is an exact filter), highest score first.
 */
function findingsOf(all: Array<typeof finding>, queries: string[] = []) {
  return http.get('*/api/mcpeeker/findings', ({ request }) => {
    const url = new URL(request.url);
    queries.push(url.search);
    const items = all
      .filter(f => f.serverName === url.searchParams.get('serverName'))
      .sort((a, b) => b.score - a.score);
    return HttpResponse.json({ items, totalCount: items.length });
  });
}

describe('MCPServer entity page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows registry status, and the expiry, registrant and detection the viewer may read', async () => {
    server.use(
      findingsOf([
        finding,
        { ...finding, compositeId: 'mcp_y', hostIdHash: 'b'.repeat(64) },
        { ...finding, compositeId: 'mcp_z', score: 6 },
        { ...finding, compositeId: 'mcp_w', serverName: 'github-enterprise' },
      ]),
      http.get('*/api/mcpeeker/registry/e1', () =>
        HttpResponse.json({
          id: 'e1',
          owner: 'user:default/dana',
          createdBy: 'user:default/pat',
          status: 'approved',
          expiresAt: inDays(5),
          pinnedTools: {
            definitions: [
              { name: 'create_issue', hash: 'a'.repeat(64) },
              { name: 'list_issues', hash: 'b'.repeat(64) },
            ],
            pinnedAt: '2026-11-21T10:10:00.000Z',
            pinnedBy: 'user:default/pat',
            fromFinding: finding.compositeId,
            from: 'gateway/request',
          },
        }),
      ),
    );
    await renderUnstyled(
      <EntityProvider entity={entity}>
        <McpServerOverviewCard />
      </EntityProvider>,
      {
        apis: [[mcpeekerApiRef, client]],
        mountedRoutes: { '/mcpeeker': rootRouteRef },
      },
    );
    expect(
      await screen.findByTestId('entity-registry-status'),
    ).toHaveTextContent('approved');
    expect(await screen.findByTestId('expiry-soon')).toHaveTextContent(
      'in 5 d',
    );
    // The entry and the findings, one click away.
    expect(
      screen.getByRole('link', { name: 'Open the entry' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
    expect(
      await screen.findByRole('link', { name: 'Show the findings' }),
    ).toHaveAttribute('href', '/mcpeeker/findings?q=github');
    expect(screen.getByText('user:default/dana')).toBeInTheDocument();
    expect(screen.getByText('user:default/pat')).toBeInTheDocument();
    expect(screen.getByTestId('pinned-tools')).toHaveTextContent(
      /^2 tools: create_issue, list_issues\s*pinned .* by user:default\/pat$/,
    );
    expect(await screen.findByTestId('entity-detection')).toHaveTextContent(
      /^9 · unauthorized 3 findings on 2 hosts, last seen/,
    );
  });

  it('shows neither expiry nor registrant to a viewer who may not read the entry', async () => {
    let refused = false;
    server.use(
      findingsOf([]),
      http.get('*/api/mcpeeker/registry/e1', () => {
        refused = true;
        return HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'No registry entry e1' } },
          { status: 404 },
        );
      }),
    );
    await renderUnstyled(
      <EntityProvider entity={entity}>
        <McpServerOverviewCard />
      </EntityProvider>,
      { apis: [[mcpeekerApiRef, client]] },
    );
    expect(
      await screen.findByTestId('entity-registry-status'),
    ).toHaveTextContent('approved');
    expect(await screen.findByText('not detected')).toBeInTheDocument();
    await waitFor(() => expect(refused).toBe(true));
    await act(async () => {});
    expect(screen.queryByText(/^Registered by$/i)).toBeNull();
    expect(screen.queryByText(/^Pinned tools$/i)).toBeNull();
    expect(screen.queryByTestId('expiry-soon')).toBeNull();
  });

  it('matches a server a team declared itself to its detections by server name', async () => {
    server.use(
      findingsOf([
        {
          ...finding,
          compositeId: 'mcp_y',
          score: 6,
          classification: 'suspect',
        },
        finding,
        { ...finding, compositeId: 'mcp_x', serverName: 'github-enterprise' },
      ]),
    );
    const declared = {
      ...entity,
      spec: {
        owner: 'group:default/team-a',
        transport: 'stdio',
        serverName: 'github',
      },
    };
    await renderUnstyled(
      <EntityProvider entity={declared}>
        <McpServerOverviewCard />
      </EntityProvider>,
      { apis: [[mcpeekerApiRef, client]] },
    );
    expect(await screen.findByTestId('entity-detection')).toHaveTextContent(
      /^9 · unauthorized 2 findings on 1 host, last seen/,
    );
    expect(screen.getByText('not registered')).toBeInTheDocument();
  });

  it('lists the findings of this server only, linking to each', async () => {
    const queries: string[] = [];
    server.use(
      findingsOf(
        [
          finding,
          { ...finding, compositeId: 'mcp_x', serverName: 'github-enterprise' },
        ],
        queries,
      ),
    );
    await renderUnstyled(
      <EntityProvider entity={entity}>
        <McpServerFindingsContent />
      </EntityProvider>,
      {
        apis: [[mcpeekerApiRef, client]],
        mountedRoutes: { '/mcpeeker': rootRouteRef },
      },
    );
    const row = await screen.findByRole('row', { name: /user:default\/dana/ });
    expect(bodyRows()).toHaveLength(1);
    expect(within(row).getByText('user:default/dana')).toBeInTheDocument();
    // The host by the start of its hash, the whole of it on hover and copied.
    expect(within(row).getByText('aaaaaaaaaaaa…')).toHaveAttribute(
      'title',
      finding.hostIdHash,
    );
    expect(
      within(row).getByRole('button', { name: 'Copy the host id' }),
    ).toBeInTheDocument();
    expect(within(row).getByRole('link')).toHaveAttribute(
      'href',
      `/mcpeeker/findings/${finding.compositeId}`,
    );
    expect(queries[0]).toContain('serverName=github');
  });

  describe('read east of UTC', () => {
    // A reader in Auckland, 13 hours ahead of UTC in November: the end of a
    // day in UTC is the next day's noon there.
    readerInTimeZone('Pacific/Auckland');
    const inAuckland = seenIn('Pacific/Auckland');

    it('shows the expiry as the calendar date chosen, the last detection and each finding’s last sighting in the reader’s time', async () => {
      const day = inDays(60).slice(0, 10);
      const expiresAt = `${day}T23:59:59Z`;
      const lastSeen = '2026-11-20T20:00:00.000Z';
      server.use(
        findingsOf([{ ...finding, lastSeen }]),
        http.get('*/api/mcpeeker/registry/e1', () =>
          HttpResponse.json({
            id: 'e1',
            owner: 'user:default/dana',
            createdBy: 'user:default/pat',
            status: 'approved',
            expiresAt,
          }),
        ),
      );
      await renderUnstyled(
        <EntityProvider entity={entity}>
          <McpServerOverviewCard />
          <McpServerFindingsContent />
        </EntityProvider>,
        {
          apis: [[mcpeekerApiRef, client]],
          mountedRoutes: { '/mcpeeker': rootRouteRef },
        },
      );
      const expires = await screen.findByRole('row', { name: /^expires/i });
      const date = within(expires).getByText(
        new Date(expiresAt).toLocaleDateString(undefined, { timeZone: 'UTC' }),
      );
      expect(date.tagName).toBe('TIME');
      expect(date).toHaveAttribute('dateTime', day);
      const detection = await screen.findByTestId('entity-detection');
      expect(detection).toHaveTextContent(`last seen ${inAuckland(lastSeen)}`);
      // On the card, and in the finding's row of the list.
      await waitFor(() =>
        expect(screen.getAllByText(inAuckland(lastSeen))).toHaveLength(2),
      );
      for (const time of screen.getAllByText(inAuckland(lastSeen))) {
        expect(time.tagName).toBe('TIME');
        expect(time).toHaveAttribute('dateTime', lastSeen);
      }
    });
  });
});
