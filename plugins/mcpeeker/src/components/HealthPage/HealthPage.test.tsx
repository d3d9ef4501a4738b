import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled } from '../../__testUtils__/renderPage';
import type { HealthReport } from '@mcpeeker/plugin-mcpeeker-common';
import { McpeekerClient, mcpeekerApiRef } from '../../api';
import { HealthPage } from './HealthPage';

const BASE = 'http://backend.test/api/mcpeeker';

function report(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'ok',
    version: '0.1.0',
    checkedAt: '2026-11-21T10:00:00.000Z',
    dependencies: {
      database: { status: 'ok', detail: 'sqlite', latencyMs: 1 },
      nats: {
        status: 'disabled',
        detail: 'not configured: agents report over HTTP',
      },
      clickhouse: {
        status: 'disabled',
        detail: 'not configured: findings in the Backstage database',
      },
      judge: {
        status: 'disabled',
        detail:
          'not built yet: gateway events are scored from the verdict they carry',
      },
    },
    ...overrides,
  };
}

async function renderPage() {
  const client = new McpeekerClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  await renderUnstyled(
    <TestApiProvider apis={[[mcpeekerApiRef, client]]}>
      <HealthPage />
    </TestApiProvider>,
  );
}

describe('HealthPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each dependency with its status and detail', async () => {
    server.use(http.get(`${BASE}/health`, () => HttpResponse.json(report())));
    await renderPage();

    expect(await screen.findByText('All systems ok')).toBeInTheDocument();
    const database = screen.getByRole('row', { name: /^Database/ });
    expect(within(database).getByText('Database')).toBeInTheDocument();
    expect(within(database).getByText('ok')).toBeInTheDocument();
    expect(within(database).getByText('sqlite')).toBeInTheDocument();
    expect(
      within(screen.getByRole('row', { name: /^NATS JetStream/ })).getByText(
        'disabled',
      ),
    ).toBeInTheDocument();
  });

  describe('read east of UTC', () => {
    readerInTimeZone('Pacific/Auckland');

    it('says when it was checked in the reader’s time', async () => {
      const checkedAt = '2026-11-20T20:00:00.000Z';
      server.use(
        http.get(`${BASE}/health`, () =>
          HttpResponse.json(report({ checkedAt })),
        ),
      );
      await renderPage();
      expect(
        await screen.findByText(
          `MCPeeker 0.1.0, checked ${seenIn('Pacific/Auckland')(checkedAt)}`,
        ),
      ).toBeInTheDocument();
    });
  });

  it('says what is down and why, and checks again on request', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/health`, () => {
        calls++;
        return HttpResponse.json(
          report({
            status: calls === 1 ? 'down' : 'ok',
            dependencies: {
              ...report().dependencies,
              database:
                calls === 1
                  ? {
                      status: 'down',
                      detail: 'postgresql',
                      error: 'ECONNREFUSED 127.0.0.1:5432',
                    }
                  : { status: 'ok', detail: 'postgresql' },
            },
          }),
          { status: calls === 1 ? 503 : 200 },
        );
      }),
    );
    await renderPage();

    expect(
      await screen.findByText('Down: the database is unreachable'),
    ).toBeInTheDocument();
    expect(screen.getByText('ECONNREFUSED 127.0.0.1:5432')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('All systems ok')).toBeInTheDocument();
  });

  it('shows the error when the backend cannot answer', async () => {
    server.use(
      http.get(`${BASE}/health`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'Error',
              message: 'plugin mcpeeker failed to start',
            },
          },
          { status: 500 },
        ),
      ),
    );
    await renderPage();
    expect(
      await screen.findByText(/plugin mcpeeker failed to start/),
    ).toBeInTheDocument();
  });
});
