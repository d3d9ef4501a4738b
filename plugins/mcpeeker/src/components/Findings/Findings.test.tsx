import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { mcpeekerPlugin } from '../../plugin';

const finding = {
  compositeId: 'mcp_0123456789abcdef0123456789abcdef',
  serverName: 'github',
  hostIdHash: 'a'.repeat(64),
  owner: 'user:default/dana',
  score: 9,
  classification: 'unauthorized',
  layers: ['endpoint', 'network'],
  registryStatus: 'unregistered',
  judgeUnavailable: false,
  firstSeen: '2026-11-21T10:00:00.000Z',
  lastSeen: '2026-11-21T10:01:00.000Z',
  breakdown: {
    score: 9,
    classification: 'unauthorized',
    contributions: [
      {
        layer: 'endpoint',
        points: 6,
        reason: 'the endpoint agent saw it (config ×1)',
      },
      {
        layer: 'network',
        points: 3,
        reason: 'MCP traffic on the network (traffic ×1)',
      },
    ],
    rules: [
      {
        id: 'MCP-EP-001',
        name: 'Reference MCP server package',
        severity: 'low',
        tags: ['reference-server'],
        count: 1,
        reason:
          'rule MCP-EP-001 "Reference MCP server package" (low) matched ×1',
      },
    ],
    tags: ['reference-server'],
  },
};

const endpointEvidence = {
  schemaVersion: '1.0',
  eventId: 'e'.repeat(64),
  layer: 'endpoint',
  observedAt: '2026-11-21T10:00:00Z',
  compositeId: finding.compositeId,
  sensor: { id: 'agent-1', kind: 'mcpeeker-agent' },
  evidence: [
    {
      kind: 'config-entry',
      snippet: 'cursor github: npx -y @modelcontextprotocol/server-github',
    },
  ],
  host: { idHash: 'a'.repeat(64), os: 'linux', addressHashes: [] },
  detection: {
    source: 'config',
    client: 'cursor',
    serverName: 'github',
    configPath: '/home/dana/.cursor/mcp.json',
    scope: 'user',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-github'],
  },
};

describe('Findings', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists findings with score, server and layers, filters by classification, and opens the explanation', async () => {
    const queries: string[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({ items: [finding], totalCount: 1 });
      }),
      http.get('*/api/mcpeeker/findings/:id', ({ params }) =>
        params.id === finding.compositeId
          ? HttpResponse.json({
              ...finding,
              evidence: {
                endpoint: [endpointEvidence],
                network: [],
                gateway: [],
              },
            })
          : HttpResponse.json(
              { error: { name: 'NotFoundError', message: 'No finding' } },
              { status: 404 },
            ),
      ),
    );
    renderTestApp({
      features: [mcpeekerPlugin],
      initialRouteEntries: ['/mcpeeker'],
    });

    const row = await screen.findByTestId('finding-row');
    expect(within(row).getByText('9 · unauthorized')).toBeInTheDocument();
    expect(within(row).getByText('github')).toBeInTheDocument();
    expect(within(row).getByText('network')).toBeInTheDocument();
    expect(screen.getByText('1 findings')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Classification'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Unauthorized' }),
    );
    await screen.findByTestId('finding-row');
    expect(queries.at(-1)).toContain('classification=unauthorized');

    await userEvent.click(
      within(screen.getByTestId('finding-row')).getByText('github'),
    );
    expect(await screen.findByText('Why this score')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('contribution-endpoint')).getByText('+6'),
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
  });

  it('says when there is nothing yet, and shows the backend error when it fails', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    const { unmount } = renderTestApp({
      features: [mcpeekerPlugin],
      initialRouteEntries: ['/mcpeeker'],
    });
    expect(await screen.findByText(/No findings match/)).toBeInTheDocument();
    unmount();

    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read MCP findings',
            },
          },
          { status: 403 },
        ),
      ),
    );
    renderTestApp({
      features: [mcpeekerPlugin],
      initialRouteEntries: ['/mcpeeker'],
    });
    expect(
      await screen.findByText(/You may not read MCP findings/),
    ).toBeInTheDocument();
  });
});
