import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from './__testUtils__/backendDefaults';
import {
  createExtensionTester,
  registerMswTestHooks,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { mcpeekerPage, mcpeekerPlugin } from './plugin';

describe('mcpeekerPage', () => {
  const server = setupServer(...backendDefaults);
  registerMswTestHooks(server);

  it('is mounted at /mcpeeker with a title for the sidebar', () => {
    const tester = createExtensionTester(mcpeekerPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/mcpeeker');
    expect(tester.get(coreExtensionData.title)).toBe('MCPeeker');
  });

  it('renders the health of the backend through the real API client', async () => {
    server.use(
      http.get('*/api/mcpeeker/health', () =>
        HttpResponse.json({
          status: 'degraded',
          version: '0.1.0',
          checkedAt: '2026-11-21T10:00:00.000Z',
          dependencies: {
            database: { status: 'ok', detail: 'sqlite' },
            nats: {
              status: 'down',
              detail: 'jetstream nats://127.0.0.1:4222',
              error: 'connection refused',
            },
            clickhouse: { status: 'disabled', detail: 'not configured' },
            judge: { status: 'disabled', detail: 'not built yet' },
          },
        }),
      ),
    );
    renderTestApp({
      features: [mcpeekerPlugin],
      initialRouteEntries: ['/mcpeeker/health'],
    });
    expect(await screen.findByText('MCPeeker')).toBeInTheDocument();
    expect(await screen.findByText(/Degraded/)).toBeInTheDocument();
    expect(screen.getByText('connection refused')).toBeInTheDocument();
  });
});
