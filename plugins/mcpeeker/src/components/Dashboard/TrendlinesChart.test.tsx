import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { Trendlines } from '@mcpeeker/plugin-mcpeeker-common';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { readerInTimeZone } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { TrendlinesChart } from './TrendlinesChart';

// The trendlines' buckets named as a reader west of UTC reads them: the
// backend's days and weeks are UTC days, named by their date; its hours are
// instants, in the reader's time.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const HOUR = 3_600_000;

/** Three buckets of `ms` from `since`, as the backend answers. */
function trend(bucket: Trendlines['bucket'], since: string, ms: number) {
  const start = (i: number) =>
    new Date(Date.parse(since) + i * ms).toISOString();
  return {
    bucket,
    since,
    until: start(3),
    points: [0, 1, 2].map(i => ({
      start: start(i),
      authorized: i,
      suspect: 2 * i,
      unauthorized: 0,
    })),
  } satisfies Trendlines;
}

describe('TrendlinesChart, read west of UTC', () => {
  // A reader in Los Angeles, 8 hours behind UTC in November: a UTC day
  // starts at 4 pm the day before there.
  const zone = 'America/Los_Angeles';
  readerInTimeZone(zone);

  it('names a day by its date, wherever read, and an hour in the reader’s time', async () => {
    server.use(
      http.get('*/api/mcpeeker/analytics/trendlines', ({ request }) => {
        const bucket = new URL(request.url).searchParams.get(
          'bucket',
        ) as Trendlines['bucket'];
        return HttpResponse.json(
          bucket === 'hour'
            ? trend('hour', '2026-11-29T06:00:00.000Z', HOUR)
            : trend('day', '2026-11-28T00:00:00.000Z', 24 * HOUR),
        );
      }),
    );
    await renderUnstyled(<TrendlinesChart />, {
      apis: [[mcpeekerApiRef, testClient]],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
    });
    const rowNames = async (caption: string) =>
      within(
        await screen.findByRole(
          'table',
          { name: caption },
          { timeout: 30_000 },
        ),
      )
        .getAllByRole('rowheader')
        .map(cell => cell.textContent);

    const utcDate = (iso: string) =>
      new Date(iso).toLocaleDateString(undefined, {
        timeZone: 'UTC',
        month: 'short',
        day: 'numeric',
      });
    const days = ['2026-11-28', '2026-11-29', '2026-11-30'];
    expect(await rowNames('Findings seen per day, by classification')).toEqual(
      days.map(day => utcDate(`${day}T00:00:00.000Z`)),
    );
    const chart = screen.getByRole('figure', {
      name: /^Findings seen per day/,
    });
    expect(chart).toHaveAccessibleName(
      expect.stringContaining(
        `3 days to ${utcDate('2026-12-01T00:00:00.000Z')};`,
      ),
    );
    expect(
      within(chart).getByRole('link', {
        name: `Suspect, the day from ${utcDate(
          '2026-11-29T00:00:00.000Z',
        )}: 2 findings`,
      }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Per'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Hour (last 24 hours)' }),
    );
    const inLosAngeles = (iso: string) =>
      new Date(iso).toLocaleString(undefined, {
        timeZone: zone,
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
    expect(await rowNames('Findings seen per hour, by classification')).toEqual(
      [
        '2026-11-29T06:00:00.000Z',
        '2026-11-29T07:00:00.000Z',
        '2026-11-29T08:00:00.000Z',
      ].map(inLosAngeles),
    );
  });
});
