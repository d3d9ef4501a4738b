import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { Suppression } from '@mcpeeker/plugin-mcpeeker-common';
import { SWRConfig } from 'swr';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { SuppressionsPage } from './SuppressionsPage';

// The Suppressions page's times as a reader east of UTC reads them: when
// each was made and expires, and when one was lifted or ran out.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

describe('SuppressionsPage, read east of UTC', () => {
  // A reader in Auckland, 13 hours ahead of UTC in November: the evening of
  // the 20th in UTC is the morning of the 21st there.
  const zone = 'Pacific/Auckland';
  readerInTimeZone(zone);
  const inAuckland = seenIn(zone);

  const active: Suppression = {
    id: '0b6f3a56-1c1e-4f7a-9a51-6a1f2c3d4e5f',
    scope: 'server-on-team',
    serverName: 'github',
    team: 'group:default/platform',
    label: 'github on group:default/platform',
    reason: 'the platform team builds it',
    createdBy: 'user:default/sam',
    createdAt: '2026-11-20T20:00:00.000Z',
    expiresAt: '2099-12-04T23:59:59.000Z',
    active: true,
  };
  const lifted: Suppression = {
    ...active,
    id: '7d2e9b14-5a3c-4b8e-8f60-2c4d6e8fa0b1',
    label: 'linear on group:default/platform',
    serverName: 'linear',
    createdAt: '2026-11-19T20:00:00.000Z',
    expiresAt: undefined,
    active: false,
    revokedAt: '2026-11-20T21:00:00.000Z',
    revokedBy: 'user:default/pat',
    revokeReason: 'the team left',
  };
  const ranOut: Suppression = {
    ...active,
    id: '5c1d8e22-9b3a-4c6f-8d70-3e5f7a9b1c2d',
    label: 'jira on group:default/platform',
    serverName: 'jira',
    createdAt: '2026-11-18T20:00:00.000Z',
    expiresAt: '2026-11-20T23:59:59.000Z',
    active: false,
  };

  it('writes when each was made and expires (its day, the time under it), and when it was lifted or ran out, in the reader’s time', async () => {
    server.use(
      http.get('*/api/mcpeeker/suppressions', () =>
        HttpResponse.json({ items: [active, lifted, ranOut] }),
      ),
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    await renderUnstyled(
      <SWRConfig value={{ provider: () => new Map() }}>
        <SuppressionsPage />
      </SWRConfig>,
      {
        apis: [
          [mcpeekerApiRef, testClient],
          mockApis.permission({ authorize: 'ALLOW' as any }),
        ],
        mountedRoutes: { '/mcpeeker': rootRouteRef },
        initialRouteEntries: ['/?show=all'],
      },
    );
    await screen.findByText('3 suppressions', {}, { timeout: 30_000 });
    const [github, linear, jira] = ['github', 'linear', 'jira'].map(
      name =>
        bodyRows().find(row =>
          row.textContent?.includes(`${name} on group:default/platform`),
        )!,
    );
    /** The day of `iso` over its time in `row`, each a time element, whole on hover. */
    const dayOverTime = (row: HTMLElement, iso: string) => {
      const at = new Date(iso);
      for (const shown of [
        at.toLocaleDateString(undefined, { timeZone: zone }),
        at.toLocaleTimeString(undefined, { timeZone: zone }),
      ]) {
        const time = within(row).getByText(shown);
        expect(time.tagName).toBe('TIME');
        expect(time).toHaveAttribute('dateTime', iso);
        expect(time.parentElement).toHaveAttribute('title', inAuckland(iso));
      }
    };
    dayOverTime(github, active.createdAt);
    dayOverTime(github, active.expiresAt!);
    dayOverTime(linear, lifted.createdAt);
    expect(linear).toHaveTextContent(
      `Lifted by user:default/pat on ${inAuckland(
        lifted.revokedAt!,
      )}: the team left`,
    );
    expect(jira).toHaveTextContent(
      `Expired on ${inAuckland(ranOut.expiresAt!)}`,
    );
  });
});
