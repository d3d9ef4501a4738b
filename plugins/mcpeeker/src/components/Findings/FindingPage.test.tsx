import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type {
  FindingTimeline,
  TimelineEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import { ReactElement } from 'react';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import {
  endpointEvidence,
  finding,
  findingDetail,
  gatewayEvidence,
  registryEntry,
} from '../../__testUtils__/fixtures';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { EntryPage } from '../Registry/EntryPage';
import { FindingDetail } from './FindingDetail';

// The finding page and an entry's page as a reader meets them: nothing
// there (or nothing theirs), ids that stay whole, a revoked approval, and
// who last changed the triage.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const ANALYST = [
  'mcpeeker.finding.read',
  'mcpeeker.feedback.create',
  'mcpeeker.feedback.read',
  'mcpeeker.triage.update',
];

const sam = mockApis.identity({
  userEntityRef: 'user:default/sam',
  ownershipEntityRefs: ['user:default/sam', 'group:default/security'],
});

/** A page element at `path`, for someone allowed `allowed`, with its own permission cache. */
function renderAt(
  path: string,
  route: string,
  element: ReactElement,
  allowed: string[] = ANALYST,
) {
  const authorize = async (request: { permission: { name: string } }) => ({
    result: allowed.includes(request.permission.name)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
  });
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>
      <Routes>
        <Route path={route} element={element} />
      </Routes>
    </SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        [permissionApiRef, { authorize, authorizeConditional: authorize }],
        sam,
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
}

const renderFinding = (id: string) =>
  renderAt(
    `/mcpeeker/findings/${id}`,
    '/mcpeeker/findings/:id',
    <FindingDetail />,
  );

/** A refusal as Backstage's error middleware sends it. */
const refusal = (status: number, name: string, message: string) =>
  HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );

describe('A finding nobody may see by that id', () => {
  it.each([
    [404, 'NotFoundError', 'No finding mcp_ffffffffffffffffffffffffffffffff'],
    [403, 'NotAllowedError', 'You may not read MCP findings'],
  ])(
    'reads the same whether it is absent or hidden (%s), with the way back to the list',
    async (status, name, message) => {
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          refusal(status, name, message),
        ),
      );
      renderFinding('mcp_ffffffffffffffffffffffffffffffff');
      expect(
        await screen.findByText(
          'No finding with this id, or you may not see it',
          {},
          { timeout: 30_000 },
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('link', { name: '← All findings' }),
      ).toHaveAttribute('href', '/mcpeeker/findings');
      // Nothing of the backend's answer: not its status, not its words.
      expect(screen.queryByText(/Request failed|404|403/)).toBeNull();
      expect(screen.queryByText(message)).toBeNull();
    },
  );

  it.each([404, 403])('and a registry entry likewise (%s)', async status => {
    server.use(
      http.get('*/api/mcpeeker/registry/:id', () =>
        refusal(status, 'NotFoundError', 'No registry entry e9'),
      ),
    );
    renderAt('/mcpeeker/registry/e9', '/mcpeeker/registry/:id', <EntryPage />);
    expect(
      await screen.findByText(
        'No registry entry with this id, or you may not see it',
        {},
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '← Registry' })).toHaveAttribute(
      'href',
      '/mcpeeker/registry',
    );
    expect(screen.queryByText(/No registry entry e9/)).toBeNull();
  });
});

/**
 * The `<time>` in `container` that shows `iso` as `shown` writes it: the
 * instant itself in its dateTime, for assistive tech and tests.
 */
function timeShowing(
  container: HTMLElement,
  iso: string,
  shown: (iso: string) => string,
) {
  const time = within(container).getByText(shown(iso));
  expect(time.tagName).toBe('TIME');
  expect(time).toHaveAttribute('dateTime', iso);
  return time;
}

describe('The finding page', () => {
  // A reader in Auckland (13 hours ahead of UTC in November): the evening of
  // the 20th in UTC is the morning of the 21st there.
  readerInTimeZone('Pacific/Auckland');
  const inAuckland = seenIn('Pacific/Auckland');

  it('shows its ids whole, in monospace on one line, with a copy button each', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(findingDetail),
      ),
    );
    renderFinding(finding.compositeId);
    const composite = await screen.findByTitle(
      finding.compositeId,
      {},
      { timeout: 30_000 },
    );
    const host = screen.getByTitle(finding.hostIdHash!);
    for (const [id, element] of [
      [finding.compositeId, composite],
      [finding.hostIdHash!, host],
    ] as const) {
      expect(element.tagName).toBe('CODE');
      expect(element).toHaveTextContent(id);
      // Cut with an ellipsis where its place is too narrow, never wrapped mid-string.
      expect(element).toHaveStyle({
        whiteSpace: 'nowrap',
        textOverflow: 'ellipsis',
      });
    }
    expect(
      screen.getByRole('button', { name: 'Copy the composite id' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Copy the host id' }),
    ).toBeInTheDocument();
  });

  it('opens the evidence on the first layer that has any: a finding only a gateway saw shows its gateway requests, not "Nothing from the endpoint layer"', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json({
          ...findingDetail,
          evidence: { endpoint: [], network: [], gateway: [gatewayEvidence()] },
        }),
      ),
    );
    renderFinding(finding.compositeId);
    const gatewayTab = await screen.findByRole(
      'tab',
      { name: 'gateway (1)' },
      { timeout: 30_000 },
    );
    expect(gatewayTab).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'endpoint (0)' })).toHaveAttribute(
      'aria-selected',
      'false',
    );
    expect(screen.queryByText('Nothing from the endpoint layer.')).toBeNull();

    // The reader's choice stands: an empty layer reads as empty.
    await userEvent.click(screen.getByRole('tab', { name: 'endpoint (0)' }));
    expect(
      await screen.findByText('Nothing from the endpoint layer.'),
    ).toBeInTheDocument();
  });

  it('says an approval was revoked, when (in the reader’s time), by whom and why, not "unregistered"', async () => {
    const revokedAt = '2026-11-20T20:00:00.000Z';
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(findingDetail),
      ),
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({
          items: [
            registryEntry({
              status: 'revoked',
              decidedBy: 'user:default/pat',
              decidedAt: revokedAt,
              decisionReason: 'no longer used',
            }),
          ],
          totalCount: 1,
        }),
      ),
    );
    renderFinding(finding.compositeId);
    const registry = await screen.findByTestId(
      'finding-registry',
      {},
      { timeout: 30_000 },
    );
    expect(registry).toHaveTextContent(
      `approval revoked on ${inAuckland(
        revokedAt,
      )} by user:default/pat: no longer used — registry entry github`,
    );
    timeShowing(registry, revokedAt, inAuckland);
    expect(registry).not.toHaveTextContent('unregistered');
    expect(
      within(registry).getByRole('link', { name: 'registry entry github' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
  });

  it('writes every time in the reader’s time, each a time element: first and last seen, each event observed, the Judge’s request, the feedback so far, the suppression', async () => {
    const firstSeen = '2026-11-20T20:00:00.000Z';
    const lastSeen = '2026-11-21T11:30:00.000Z';
    const suppressedAt = '2026-11-20T21:00:00.000Z';
    const suppressedUntil = '2026-12-04T23:59:59.000Z';
    const feedbackAt = '2026-11-20T22:15:00.000Z';
    const label = `github (${finding.compositeId})`;
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json({
          ...findingDetail,
          firstSeen,
          lastSeen,
          layers: ['endpoint', 'gateway'],
          evidence: {
            ...findingDetail.evidence,
            endpoint: [{ ...endpointEvidence, observedAt: firstSeen }],
            gateway: [gatewayEvidence({ observedAt: lastSeen })],
          },
          triage: {
            status: 'open',
            suppression: {
              id: 's1',
              scope: 'finding',
              label,
              reason: 'a lab machine',
              expiresAt: suppressedUntil,
            },
          },
        }),
      ),
      http.get('*/api/mcpeeker/findings/:id/timeline', () =>
        HttpResponse.json({
          items: [
            {
              at: suppressedAt,
              kind: 'suppression',
              summary: `Suppressed by user:default/sam: ${label}`,
              actor: 'user:default/sam',
            },
          ],
          detectionsLeftOut: 0,
        } satisfies FindingTimeline),
      ),
      http.get('*/api/mcpeeker/findings/:id/feedback', () =>
        HttpResponse.json({
          items: [
            {
              id: 'f1',
              compositeId: finding.compositeId,
              verdict: 'true-positive',
              tags: [],
              author: 'user:default/sam',
              createdAt: feedbackAt,
            },
          ],
        }),
      ),
    );
    renderFinding(finding.compositeId);
    const first = await screen.findByRole(
      'row',
      { name: /^first seen/i },
      { timeout: 30_000 },
    );
    timeShowing(first, firstSeen, inAuckland);
    timeShowing(
      screen.getByRole('row', { name: /^last seen/i }),
      lastSeen,
      inAuckland,
    );
    // The endpoint agent's event, observed then.
    timeShowing(
      screen.getByRole('row', { name: /config \(user\) declares 'github'/ }),
      firstSeen,
      inAuckland,
    );
    // The request the Judge read, observed then.
    await userEvent.click(
      screen.getByRole('button', { name: /^Request req-1 / }),
    );
    const request = await screen.findByRole('region', {
      name: /^Request req-1 /,
    });
    timeShowing(
      within(request).getByRole('row', { name: /^observed/i }),
      lastSeen,
      inAuckland,
    );
    const feedback = await screen.findByRole('list', {
      name: 'Feedback so far',
    });
    expect(feedback).toHaveTextContent(
      `user:default/sam, ${inAuckland(feedbackAt)}`,
    );
    timeShowing(feedback, feedbackAt, inAuckland);
    const by = await screen.findByTestId('suppression-by');
    await waitFor(() =>
      expect(by).toHaveTextContent(
        `Suppressed by user:default/sam on ${inAuckland(
          suppressedAt,
        )}, until ${inAuckland(suppressedUntil)}`,
      ),
    );
    timeShowing(by, suppressedAt, inAuckland);
    timeShowing(by, suppressedUntil, inAuckland);
    // Nowhere the UTC day of the evening of the 20th.
    const utcDay = new Date(firstSeen).toLocaleDateString(undefined, {
      timeZone: 'UTC',
    });
    expect(screen.queryByText(text => text.includes(utcDay))).toBeNull();
  });

  it('after feedback, the Triage card says who changed it last and when', async () => {
    const items: TimelineEntry[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(findingDetail),
      ),
      http.get('*/api/mcpeeker/findings/:id/timeline', () =>
        HttpResponse.json({
          items,
          detectionsLeftOut: 0,
        } satisfies FindingTimeline),
      ),
      http.post('*/api/mcpeeker/findings/:id/feedback', async ({ request }) => {
        const body = (await request.json()) as { verdict: string };
        const createdAt = new Date().toISOString();
        items.push({
          at: createdAt,
          kind: 'feedback',
          summary: `user:default/sam marked it ${body.verdict}`,
          actor: 'user:default/sam',
        });
        return HttpResponse.json(
          {
            ...body,
            id: 'f1',
            compositeId: finding.compositeId,
            tags: [],
            author: 'user:default/sam',
            createdAt,
          },
          { status: 201 },
        );
      }),
    );
    renderFinding(finding.compositeId);
    await screen.findByRole(
      'radio',
      { name: 'True positive' },
      { timeout: 30_000 },
    );
    // The Triage card's "Last changed by", before.
    expect(screen.getByText('nobody yet')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('radio', { name: 'True positive' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Send feedback' }),
    );
    await waitFor(() => expect(screen.queryByText('nobody yet')).toBeNull());
    const changed = screen.getByRole('row', { name: /^last changed by/i });
    expect(changed).toHaveTextContent(
      `user:default/sam on ${inAuckland(items[0].at)} (feedback)`,
    );
    timeShowing(changed, items[0].at, inAuckland);
  });
});

describe('An entry’s page', () => {
  it('shows the ids it is identified by whole, in monospace on one line, with a copy button each', async () => {
    server.use(
      http.get('*/api/mcpeeker/registry/:id', () =>
        HttpResponse.json(
          registryEntry({
            identity: {
              compositeId: finding.compositeId,
              hostIdHash: finding.hostIdHash,
              port: 3001,
            },
          }),
        ),
      ),
      http.post('*/api/mcpeeker/registry/:id/verify', () =>
        HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
      ),
    );
    renderAt('/mcpeeker/registry/e1', '/mcpeeker/registry/:id', <EntryPage />);
    const identity = await screen.findByTestId(
      'entry-identity',
      {},
      { timeout: 30_000 },
    );
    // One part a line, read as words.
    expect(Array.from(identity.children).map(line => line.textContent)).toEqual(
      [
        `finding ${finding.compositeId}`,
        `host ${finding.hostIdHash} port 3001`,
      ],
    );
    for (const id of [finding.compositeId, finding.hostIdHash!]) {
      const code = within(identity).getByTitle(id);
      expect(code.tagName).toBe('CODE');
      expect(code).toHaveStyle({
        whiteSpace: 'nowrap',
        textOverflow: 'ellipsis',
      });
    }
    expect(
      within(identity).getByRole('button', { name: 'Copy the composite id' }),
    ).toBeInTheDocument();
    expect(
      within(identity).getByRole('button', { name: 'Copy the host id' }),
    ).toBeInTheDocument();
  });
});

describe('A finding no longer reported', () => {
  // A reader in Auckland (13 hours ahead of UTC in November): the evening of
  // the 20th in UTC is the morning of the 21st there.
  readerInTimeZone('Pacific/Auckland');
  const inAuckland = (iso: string) =>
    new Date(iso).toLocaleString(undefined, { timeZone: 'Pacific/Auckland' });

  it('says since when in the reader’s time, and that its last scan no longer named it, on the banner, in the score’s reasons and on the timeline', async () => {
    const since = '2026-11-20T20:00:00.000Z';
    const missingFrom = '2026-11-22T09:30:00.000Z';
    // The endpoint line as the backend words it: the instant whole.
    const endpoint = {
      layer: 'endpoint' as const,
      points: 6,
      reason: `the endpoint agent saw it (config ×1); no longer reported since ${since} (removed or changed): its risks no longer count`,
      noLongerReportedSince: since,
    };
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json({
          ...findingDetail,
          breakdown: {
            ...findingDetail.breakdown,
            contributions: [endpoint],
            noLongerReported: { since, missingFrom },
          },
        }),
      ),
      http.get('*/api/mcpeeker/findings/:id/timeline', () =>
        HttpResponse.json({
          items: [
            {
              at: missingFrom,
              kind: 'score',
              summary: `Score 8 → 6 (suspect): endpoint +6: ${endpoint.reason}`,
              times: [since],
            },
          ],
          detectionsLeftOut: 0,
        }),
      ),
    );
    renderFinding(finding.compositeId);
    const notice = await screen.findByRole(
      'region',
      { name: 'No longer reported' },
      { timeout: 30_000 },
    );
    expect(notice).toHaveTextContent(
      `No longer reported since ${inAuckland(
        since,
      )}: removed or changed on its last scan (${inAuckland(missingFrom)}).`,
    );
    const reason = `the endpoint agent saw it (config ×1); no longer reported since ${inAuckland(
      since,
    )} (removed or changed): its risks no longer count`;
    expect(
      screen.getByRole('row', { name: /^endpoint \+6 / }),
    ).toHaveTextContent(reason);
    const line = await screen.findByText(
      (_, el) =>
        el?.tagName === 'P' && (el.textContent ?? '').startsWith('Score 8 → 6'),
    );
    expect(line).toHaveTextContent(
      `Score 8 → 6 (suspect): endpoint +6: ${reason}.`,
    );
    expect(within(line).getByText(inAuckland(since))).toHaveAttribute(
      'dateTime',
      since,
    );
    // Nowhere the UTC date alone.
    expect(screen.queryByText(/2026-11-20/)).toBeNull();
  });

  it('is not said of a finding still reported', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(findingDetail),
      ),
    );
    renderFinding(finding.compositeId);
    await screen.findByTitle(finding.compositeId, {}, { timeout: 30_000 });
    expect(
      screen.queryByRole('region', { name: 'No longer reported' }),
    ).toBeNull();
    expect(screen.queryByText(/No longer reported/)).toBeNull();
  });
});
