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
// MCPeeker and the landing page only. 1.5–2.5 s here, busy cores or not; the
// default 5 s would be too close.
const APP_TIMEOUT = 20_000;

describe('landing page', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it(
    'opens MCPeeker at `/`, wherever its page is mounted',
    async () => {
      server.use(
        http.get('*/api/mcpeeker/findings', () =>
          HttpResponse.json({ items: [], totalCount: 0 }),
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
      // The page loads lazily, then asks for its first findings.
      expect(
        await screen.findByText(/No findings match/, {}, { timeout: 5000 }),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Findings' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
    },
    APP_TIMEOUT,
  );
});
