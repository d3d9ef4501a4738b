import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';

import { endpointEvidence, finding } from '../../__testUtils__/fixtures';

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
    renderMcpeekerPage('/mcpeeker');

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
    const { unmount } = renderMcpeekerPage('/mcpeeker');
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
    renderMcpeekerPage('/mcpeeker');
    expect(
      await screen.findByText(/You may not read MCP findings/),
    ).toBeInTheDocument();
  });
});
