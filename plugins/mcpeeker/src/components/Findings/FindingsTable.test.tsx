import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { finding } from '../../__testUtils__/fixtures';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { FindingsTable } from './FindingsTable';

// The Findings list's times as a reader east of UTC reads them: each
// finding's last sighting, and the range of a "seen" filter that came by URL.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

describe('FindingsTable, read east of UTC', () => {
  // A reader in Auckland, 13 hours ahead of UTC in November: the evening of
  // the 20th in UTC is the morning of the 21st there.
  const zone = 'Pacific/Auckland';
  readerInTimeZone(zone);
  const inAuckland = seenIn(zone);

  it('shows when each finding was last seen (its day, the time under it) and a seen filter’s range in the reader’s time', async () => {
    const lastSeen = '2026-11-20T20:00:00.000Z';
    const since = '2026-11-20T11:00:00.000Z';
    const until = '2026-11-21T10:59:59.999Z';
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [{ ...finding, lastSeen }], totalCount: 1 }),
      ),
    );
    await renderUnstyled(<FindingsTable />, {
      apis: [[mcpeekerApiRef, testClient]],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [`/?since=${since}&until=${until}`],
    });
    const row = await screen.findByRole(
      'row',
      { name: /github/ },
      { timeout: 30_000 },
    );
    const seen = new Date(lastSeen);
    for (const shown of [
      seen.toLocaleDateString(undefined, { timeZone: zone }),
      seen.toLocaleTimeString(undefined, { timeZone: zone }),
    ]) {
      const time = within(row).getByText(shown);
      expect(time.tagName).toBe('TIME');
      expect(time).toHaveAttribute('dateTime', lastSeen);
      // Whole on hover.
      expect(time.parentElement).toHaveAttribute('title', inAuckland(lastSeen));
    }
    expect(
      screen.getByRole('button', {
        name: `Last seen between ${inAuckland(since)} and ${inAuckland(
          until,
        )}: remove this filter`,
      }),
    ).toBeInTheDocument();
  });
});
