import {
  mockApis,
  renderInTestApp,
  TestApiPair,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReactElement, ReactNode, Suspense } from 'react';
import { StylesProvider } from '@material-ui/core/styles';
import { SWRConfig } from 'swr';
import { McpeekerClient, mcpeekerApiRef } from '../api';
import { McpeekerPage } from '../components/McpeekerPage';
import { rootRouteRef } from '../routes';

/** The real API client, talking to whatever msw answers for the backend. */
export const testClient = new McpeekerClient({
  discoveryApi: { getBaseUrl: async () => 'http://backend/api/mcpeeker' },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

/**
 * Renders an element in Backstage's test app without generating Material
 * UI's style sheets (`StylesProvider disableGeneration`, MUI's own option for
 * rendering without styles). jsdom resolves every element's style against
 * every rule on the page — the accessible-name lookups of Testing Library do
 * it again and again — and about 670 generated rules made that the bulk of
 * the frontend tests' time. Component tests assert what is on the page and
 * what it does; how it looks is checked in real Chromium (`e2e/`).
 */
export function renderUnstyled(
  element: ReactElement,
  options?: Parameters<typeof renderInTestApp>[1],
) {
  return renderInTestApp(
    <StylesProvider disableGeneration>{element}</StylesProvider>,
    options,
  );
}

/**
 * Renders the MCPeeker page (its tabs and routes) at `path` in a minimal test
 * app: no sidebar, no other plugins, the real API client. Component tests use
 * this instead of the whole app, which costs seconds per render on a busy
 * machine; the whole app is rendered once, in plugin.test.tsx. Each render
 * has its own permission cache (usePermission keeps answers in SWR's), so
 * tests that allow and tests that deny can share a file.
 */
export function renderMcpeekerPage(
  path: string,
  options: {
    apis?: ReadonlyArray<TestApiPair<any> | any>;
    allow?: boolean;
    /** A permission API of the test's own (one that answers late), instead of `allow`'s. */
    permissionApi?: TestApiPair<any>;
    /** Rendered beside the page, inside its router (a test's view of the location). */
    alongside?: ReactNode;
  } = {},
) {
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>
      {/* As in the app, where the page's extension boundary catches a
          suspension (RequirePermission's not-found page loads lazily). */}
      <Suspense fallback={null}>
        <McpeekerPage />
        {options.alongside}
      </Suspense>
    </SWRConfig>,
    {
      mountPath: '/mcpeeker/*',
      initialRouteEntries: [path],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      apis: [
        [mcpeekerApiRef, testClient],
        options.permissionApi ??
          mockApis.permission({
            authorize: options.allow
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          }),
        ...(options.apis ?? []),
      ],
    },
  );
}
