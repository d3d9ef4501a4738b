import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  AnalyticsSummary,
  ScoreDistribution,
  Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SWRConfig } from 'swr';
import {
  renderMcpeekerPage,
  renderUnstyled,
  testClient,
} from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { DashboardPage } from './DashboardPage';
import { finding } from '../../__testUtils__/fixtures';

// The Dashboard through the MCPeeker page itself (its tabs and routes), so a
// click on a card or a bar lands on the Findings list as a person's would;
// what it says with nothing to count, on the tab alone (renderDashboard).
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

// A flow through the page and into the list, with its charts: the limit of
// every other flow test, for a machine with both cores busy (a wait ends as
// soon as its element is there).
const FLOW_TIMEOUT = 60_000;

const summary: AnalyticsSummary = {
  scope: 'all',
  totalFindings: 17,
  byClassification: { authorized: 6, suspect: 7, unauthorized: 4 },
  activeHosts: 5,
  activeSince: '2026-11-20T12:00:00.000Z',
  unregisteredHighRisk: 3,
  newThisWeek: 8,
  newSince: '2026-11-14T12:00:00.000Z',
  feedbackBacklog: 2,
  hiddenFindings: { total: 0, suppressed: 0, noLongerReported: 0, notMcp: 0 },
  generatedAt: '2026-11-21T12:00:00.000Z',
};

const distribution: ScoreDistribution = {
  buckets: [
    { score: 0, count: 6, classification: 'authorized' },
    { score: 6, count: 0, classification: 'suspect' },
    { score: 7, count: 7, classification: 'suspect' },
    { score: 9, count: 1, classification: 'unauthorized' },
    { score: 10, count: 3, classification: 'unauthorized', orMore: true },
  ],
};

/** Three buckets from `since`, each of `ms`, with these counts. */
function trend(
  bucket: Trendlines['bucket'],
  since: string,
  ms: number,
): Trendlines {
  const start = (i: number) =>
    new Date(Date.parse(since) + i * ms).toISOString();
  return {
    bucket,
    since,
    until: start(3),
    points: [
      { start: start(0), authorized: 1, suspect: 0, unauthorized: 2 },
      { start: start(1), authorized: 3, suspect: 4, unauthorized: 0 },
      { start: start(2), authorized: 0, suspect: 1, unauthorized: 5 },
    ],
  };
}

/** The analytics routes answering as given; what the trendlines route was asked. */
function analytics(
  answers: {
    summary?: AnalyticsSummary;
    distribution?: ScoreDistribution;
  } = {},
) {
  const trendQueries: URLSearchParams[] = [];
  server.use(
    http.get('*/api/mcpeeker/analytics/summary', () =>
      HttpResponse.json(answers.summary ?? summary),
    ),
    http.get('*/api/mcpeeker/analytics/score-distribution', () =>
      HttpResponse.json(answers.distribution ?? distribution),
    ),
    http.get('*/api/mcpeeker/analytics/trendlines', ({ request }) => {
      const params = new URL(request.url).searchParams;
      trendQueries.push(params);
      const bucket = params.get('bucket') as Trendlines['bucket'];
      const ms = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[
        bucket
      ];
      return HttpResponse.json(
        trend(bucket, params.get('since') ?? '2026-11-01T00:00:00.000Z', ms),
      );
    }),
  );
  return trendQueries;
}

/** The cells of the row whose header cell reads `header`, in a table captioned `caption`. */
function rowOf(caption: string, header: string): string[] {
  const table = screen.getByRole('table', { name: caption });
  const row = within(table).getByRole('row', {
    name: new RegExp(`^${header.replace(/[+]/g, '\\+')} `),
  });
  return within(row)
    .getAllByRole('cell')
    .map(cell => cell.textContent ?? '');
}

/** The Dashboard tab alone (no tabs, no other pages): its links as a person follows them. */
function renderDashboard(options: { allow?: boolean } = {}) {
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>
      <DashboardPage />
    </SWRConfig>,
    {
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({
          authorize: options.allow
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        }),
      ],
    },
  );
}

/** A summary that counts nothing, with these findings left out. */
function nothingCounted(
  hiddenFindings: AnalyticsSummary['hiddenFindings'],
): AnalyticsSummary {
  return {
    ...summary,
    totalFindings: 0,
    byClassification: { authorized: 0, suspect: 0, unauthorized: 0 },
    activeHosts: 0,
    unregisteredHighRisk: 0,
    newThisWeek: 0,
    feedbackBacklog: 0,
    hiddenFindings,
  };
}

describe('Dashboard', () => {
  it(
    'is where the analyst lands: the numbers, each card leading to the findings it counts',
    async () => {
      analytics();
      renderMcpeekerPage('/mcpeeker', { allow: true });

      expect(
        await screen.findByRole('heading', { name: 'All MCP servers' }),
      ).toBeInTheDocument();
      // The cards, the bars and the points count the same findings.
      expect(
        screen.getByText(/Suppressed findings are counted nowhere here/),
      ).toBeInTheDocument();
      expect(screen.getByRole('tab', { name: 'Dashboard' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      // Each card is a link; found by its title (one role query over the
      // whole page per card costs seconds on a busy machine).
      const card = (title: string) =>
        screen.getByText(title, { selector: 'h3' }).closest('a')!;
      // Read as a link, named by its title and number.
      expect(
        screen.getByRole('link', { name: /^Unregistered high-risk 3 / }),
      ).toBe(card('Unregistered high-risk'));
      expect(card('Findings')).toHaveTextContent(/^Findings17/);
      expect(card('Findings')).toHaveAttribute('href', '/mcpeeker/findings');
      expect(card('Unauthorized')).toHaveTextContent('4');
      expect(card('Unauthorized')).toHaveAttribute(
        'href',
        '/mcpeeker/findings?classification=unauthorized',
      );
      expect(card('Suspect')).toHaveTextContent('7');
      expect(card('Authorized')).toHaveTextContent('6');
      expect(card('Unregistered high-risk')).toHaveTextContent('3');
      expect(card('Unregistered high-risk')).toHaveAttribute(
        'href',
        '/mcpeeker/findings?highRisk=unregistered',
      );
      // The windows the summary counted: new by first seen.
      expect(card('New this week')).toHaveTextContent('8');
      expect(card('New this week')).toHaveAttribute(
        'href',
        `/mcpeeker/findings?firstSeenFrom=${encodeURIComponent(
          '2026-11-14T12:00:00.000Z',
        )}`,
      );
      expect(card('Active hosts')).toHaveTextContent('5');
      expect(card('Active hosts')).toHaveAttribute(
        'href',
        `/mcpeeker/findings?since=${encodeURIComponent(
          '2026-11-20T12:00:00.000Z',
        )}`,
      );
      // Open, and no verdict yet: what the backlog counts.
      expect(card('Feedback backlog')).toHaveTextContent('2');
      expect(card('Feedback backlog')).toHaveAttribute(
        'href',
        `/mcpeeker/findings?classification=${encodeURIComponent(
          'suspect,unauthorized',
        )}&status=open&verdict=none`,
      );

      // The card leads to the list, filtered.
      const listQueries: URLSearchParams[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          listQueries.push(new URL(request.url).searchParams);
          return HttpResponse.json({ items: [finding], totalCount: 1 });
        }),
      );
      await userEvent.click(card('Unregistered high-risk'));
      await screen.findByRole('row', { name: /github/ });
      expect(screen.getByRole('tab', { name: 'Findings' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      expect(listQueries.at(-1)?.get('highRisk')).toBe('unregistered');
      expect(listQueries.at(-1)?.get('classification')).toBeNull();
      // The list says what it shows, and the filter can be removed.
      await userEvent.click(
        screen.getByRole('button', {
          name: 'Unregistered high-risk: not approved, and unauthorized or with a high risk: remove this filter',
        }),
      );
      await waitFor(() =>
        expect(listQueries.at(-1)?.get('highRisk')).toBeNull(),
      );
    },
    FLOW_TIMEOUT,
  );

  it(
    'leads from “New this week” to the findings first seen since the summary’s week began',
    async () => {
      analytics();
      const listQueries: URLSearchParams[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          listQueries.push(new URL(request.url).searchParams);
          return HttpResponse.json({ items: [finding], totalCount: 1 });
        }),
      );
      renderMcpeekerPage('/mcpeeker', { allow: true });
      const card = await screen.findByText('New this week', {
        selector: 'h3',
      });
      await userEvent.click(card.closest('a')!);
      await screen.findByRole('row', { name: /github/ });
      expect(Object.fromEntries(listQueries.at(-1)!)).toMatchObject({
        firstSeenFrom: '2026-11-14T12:00:00.000Z',
      });
      expect(listQueries.at(-1)?.get('since')).toBeNull();
      expect(
        screen.getByRole('button', {
          name: `First seen since ${new Date(
            '2026-11-14T12:00:00.000Z',
          ).toLocaleString()}: remove this filter`,
        }),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'draws the score distribution: its numbers readable, each bar leading to the findings of its score',
    async () => {
      analytics();
      const listQueries: URLSearchParams[] = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          listQueries.push(new URL(request.url).searchParams);
          return HttpResponse.json({ items: [finding], totalCount: 1 });
        }),
      );
      renderMcpeekerPage('/mcpeeker');

      const chart = await screen.findByRole('figure', {
        name: /^Findings by score/,
      });
      expect(chart).toHaveAccessibleName(
        'Findings by score: 6 at 0, 7 at 7, 1 at 9, 3 at 10+',
      );
      expect(rowOf('Findings by score', '7')).toEqual(['7', 'suspect']);
      expect(rowOf('Findings by score', '6')).toEqual(['0', 'suspect']);
      expect(rowOf('Findings by score', '10+')).toEqual(['3', 'unauthorized']);
      // A bar per score with findings, each a link; an empty score has none.
      expect(
        within(chart)
          .getAllByRole('link')
          .map(link => link.getAttribute('aria-label')),
      ).toEqual([
        'Score 0: 6 findings',
        'Score 7: 7 findings',
        'Score 9: 1 finding',
        'Score 10 or more: 3 findings',
      ]);
      expect(
        within(chart).getByRole('link', {
          name: 'Score 10 or more: 3 findings',
        }),
      ).toHaveAttribute('href', '/mcpeeker/findings?minScore=10');

      await userEvent.click(
        within(chart).getByRole('link', { name: 'Score 7: 7 findings' }),
      );
      await screen.findByRole('row', { name: /github/ });
      expect(listQueries.at(-1)?.get('minScore')).toBe('7');
      expect(listQueries.at(-1)?.get('maxScore')).toBe('7');
      // The distribution leaves suppressed findings out, as the list does by default.
      expect(listQueries.at(-1)?.has('suppressed')).toBe(false);
      // The score came by URL: the list says so, and it can be removed.
      expect(
        screen.getByRole('button', { name: 'Score 7: remove this filter' }),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  it(
    'draws findings over time per day, and per hour when asked, each point leading to its bucket',
    async () => {
      const trendQueries = analytics();
      renderMcpeekerPage('/mcpeeker');

      const chart = await screen.findByRole('figure', {
        name: /^Findings seen per day/,
      });
      const [byDay] = trendQueries;
      expect(byDay.get('bucket')).toBe('day');
      const since = byDay.get('since')!;
      expect(Date.parse(byDay.get('until')!) - Date.parse(since)).toBe(
        30 * 86_400_000,
      );
      expect(chart).toHaveAccessibleName(
        /most in one day: authorized 3, suspect 4, unauthorized 5$/,
      );
      const table = screen.getByRole('table', {
        name: 'Findings seen per day, by classification',
      });
      expect(
        within(table)
          .getAllByRole('row')
          .slice(1)
          .map(row =>
            within(row)
              .getAllByRole('cell')
              .map(cell => cell.textContent),
          ),
      ).toEqual([
        ['1', '0', '2'],
        ['3', '4', '0'],
        ['0', '1', '5'],
      ]);
      // The second day's suspects: those with a detection that day.
      const secondDay = new Date(Date.parse(since) + 86_400_000);
      const point = within(chart).getByRole('link', {
        name: /^Suspect, the day from .*: 4 findings$/,
      });
      const href = new URL(point.getAttribute('href')!, 'http://app');
      expect(href.pathname).toBe('/mcpeeker/findings');
      expect(Object.fromEntries(href.searchParams)).toEqual({
        classification: 'suspect',
        detectedFrom: secondDay.toISOString(),
        detectedTo: new Date(
          secondDay.getTime() + 86_400_000 - 1,
        ).toISOString(),
      });
      // Each classification's legend entry: its findings over the whole window.
      expect(
        within(chart).getByRole('link', { name: 'Unauthorized' }),
      ).toHaveAttribute(
        'href',
        `/mcpeeker/findings?${new URLSearchParams({
          classification: 'unauthorized',
          detectedFrom: since,
          detectedTo: new Date(
            Date.parse(since) + 3 * 86_400_000 - 1,
          ).toISOString(),
        })}`,
      );

      await userEvent.click(screen.getByLabelText('Per'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Hour (last 24 hours)' }),
      );
      await screen.findByRole('figure', { name: /^Findings seen per hour/ });
      const byHour = trendQueries.at(-1)!;
      expect(byHour.get('bucket')).toBe('hour');
      expect(
        Date.parse(byHour.get('until')!) - Date.parse(byHour.get('since')!),
      ).toBe(24 * 3_600_000);
    },
    FLOW_TIMEOUT,
  );

  it('tells a developer the numbers are of their own servers, with no backlog they cannot work on', async () => {
    const { feedbackBacklog: _none, ...own } = summary;
    analytics({ summary: { ...own, scope: 'own' } });
    renderMcpeekerPage('/mcpeeker');
    expect(
      await screen.findByRole('heading', { name: 'Your MCP servers' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/found on your machines, and those matching/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('New this week', { selector: 'h3' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Feedback backlog')).toBeNull();
  });

  it('says whose numbers they are as the backend counted them', async () => {
    // The fleet's figures, whatever the browser's permission answers say.
    analytics();
    renderMcpeekerPage('/mcpeeker');
    expect(
      await screen.findByRole('heading', { name: 'All MCP servers' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Feedback backlog', { selector: 'h3' }),
    ).toBeInTheDocument();
  });

  it('says the findings are there when every one is suppressed or no longer reported, and leads to them', async () => {
    analytics({
      summary: nothingCounted({
        total: 4,
        suppressed: 3,
        noLongerReported: 2,
        notMcp: 0,
      }),
    });
    const { unmount } = renderDashboard({ allow: true });
    expect(
      await screen.findByText(
        'All 4 findings are suppressed or no longer reported',
      ),
    ).toBeInTheDocument();
    // Not the first-run page: the agent has reported.
    expect(screen.queryByText('No MCP servers found yet')).toBeNull();
    expect(screen.queryByText('mcpeeker-agent run')).toBeNull();
    expect(
      screen.getByText(
        /Of the 4 findings: 3 findings suppressed, 2 findings no longer reported \(a finding can be both\)\./,
      ),
    ).toBeInTheDocument();
    // The list, its suppressed and no-longer-reported findings shown.
    const link = screen.getByRole('button', {
      name: 'Show them in the Findings list',
    });
    expect(link).toHaveAttribute(
      'href',
      '/mcpeeker/findings?suppressed=include&gone=include&notMcp=include',
    );
    unmount();

    // One finding, suppressed: said as it is.
    analytics({
      summary: nothingCounted({
        total: 1,
        suppressed: 1,
        noLongerReported: 0,
        notMcp: 0,
      }),
    });
    renderDashboard();
    expect(
      await screen.findByText('The one finding is suppressed'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^Of the /)).toBeNull();
  });

  it('counts no MCP server when the one finding is gateway requests the Judge judged not MCP, and says so', async () => {
    analytics({
      summary: nothingCounted({
        total: 1,
        suppressed: 0,
        noLongerReported: 0,
        notMcp: 1,
      }),
    });
    renderDashboard({ allow: true });
    expect(
      await screen.findByText('The one finding is judged not an MCP server'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Nothing counted as an MCP server has been found: the Dashboard leaves out LLM-gateway requests the Judge judged not to be an MCP server's/,
      ),
    ).toBeInTheDocument();
    // Not "MCP servers have been found", nor the first-run page.
    expect(screen.queryByText(/MCP servers have been found/)).toBeNull();
    expect(screen.queryByText('No MCP servers found yet')).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Show them in the Findings list' }),
    ).toHaveAttribute(
      'href',
      '/mcpeeker/findings?suppressed=include&gone=include&notMcp=include',
    );
  });

  it('says what to do when nothing has reported yet, and shows the backend’s error', async () => {
    analytics({
      summary: nothingCounted({
        total: 0,
        suppressed: 0,
        noLongerReported: 0,
        notMcp: 0,
      }),
    });
    const { unmount } = renderMcpeekerPage('/mcpeeker', { allow: true });
    expect(
      await screen.findByText('No MCP servers found yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('mcpeeker-agent run')).toBeInTheDocument();
    // An admin may enrol one from here.
    expect(
      screen.getByRole('button', { name: 'Enrol an agent' }),
    ).toHaveAttribute('href', '/mcpeeker/agents');
    unmount();

    server.use(
      http.get('*/api/mcpeeker/analytics/summary', () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'The finding store is down',
            },
          },
          { status: 503 },
        ),
      ),
    );
    renderMcpeekerPage('/mcpeeker');
    expect(
      await screen.findByText(/The finding store is down/),
    ).toBeInTheDocument();
    expect(screen.queryByText('No MCP servers found yet')).toBeNull();
  });
});
