import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import mcpeekerPlugin from '@mcpeeker/plugin-mcpeeker';
import { landingModule } from '.';

// Routing between the app and a plugin needs an app: the smallest one, with
// MCPeeker and the landing page only. Opening on the Dashboard (charts, its
// permission and the Approvals count) takes 7 s here on a quiet machine and
// over 13 s in a loaded CI run, where a 5 s wait failed: the waits are sized
// for a busy machine, and end as soon as the page is there.
const APP_TIMEOUT = 90_000;
const PAGE_WAIT = 60_000;

describe('landing page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it(
    'opens MCPeeker at `/`, wherever its page is mounted',
    async () => {
      server.use(
        http.get('*/api/mcpeeker/analytics/summary', () =>
          HttpResponse.json({
            totalFindings: 0,
            byClassification: { authorized: 0, suspect: 0, unauthorized: 0 },
            activeHosts: 0,
            unregisteredHighRisk: 0,
            newThisWeek: 0,
            feedbackBacklog: 0,
            hiddenFindings: { total: 0, suppressed: 0, noLongerReported: 0 },
            generatedAt: '2026-11-21T12:00:00.000Z',
          }),
        ),
      );
      renderTestApp({
        features: [mcpeekerPlugin, landingModule],
        config: {
          backend: { baseUrl: 'http://localhost:7007' },
          app: {
            extensions: [{ 'page:mcpeeker': { config: { path: '/mcp' } } }],
          },
        },
        initialRouteEntries: ['/'],
      });
      // The page loads lazily, then opens on its Dashboard.
      expect(
        await screen.findByText(
          'No MCP servers found yet',
          {},
          { timeout: PAGE_WAIT },
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Dashboard' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
    },
    APP_TIMEOUT,
  );
});
