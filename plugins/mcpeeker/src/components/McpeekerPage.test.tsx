import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { notificationsApiRef } from '@backstage/plugin-notifications';
import { renderMcpeekerPage } from '../__testUtils__/renderPage';
import {
  demoIdentity as identity,
  endpointEvidence,
  finding,
  inDays,
  registryEntry as entry,
} from '../__testUtils__/fixtures';

// The MCPeeker page's tabs, each rendered through the page itself (its routes
// and tab bar) in a minimal test app. One file: loading Backstage's
// components costs seconds per test file on a busy machine.
const server = setupServer();
registerMswTestHooks(server);

describe('Findings', () => {
  it('lists findings with score, server and layers, filters by classification, and opens the explanation', async () => {
    const queries: string[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({ items: [finding], totalCount: 1 });
      }),
      http.get('*/api/mcpeeker/findings/:id', ({ params }) =>
        params.id === finding.compositeId
          ? HttpResponse.json({
              ...finding,
              evidence: {
                endpoint: [endpointEvidence],
                network: [],
                gateway: [],
              },
            })
          : HttpResponse.json(
              { error: { name: 'NotFoundError', message: 'No finding' } },
              { status: 404 },
            ),
      ),
    );
    renderMcpeekerPage('/mcpeeker');

    const row = await screen.findByTestId('finding-row');
    expect(within(row).getByText('9 · unauthorized')).toBeInTheDocument();
    expect(within(row).getByText('github')).toBeInTheDocument();
    expect(within(row).getByText('network')).toBeInTheDocument();
    expect(screen.getByText('1 findings')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Classification'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Unauthorized' }),
    );
    await screen.findByTestId('finding-row');
    expect(queries.at(-1)).toContain('classification=unauthorized');

    await userEvent.click(
      within(screen.getByTestId('finding-row')).getByText('github'),
    );
    expect(await screen.findByText('Why this score')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('contribution-endpoint')).getByText('+6'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('the endpoint agent saw it (config ×1)'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('rule-MCP-EP-001')).toHaveTextContent(
      'rule MCP-EP-001 "Reference MCP server package" (low) matched ×1',
    );
    expect(screen.getByText('reference-server')).toBeInTheDocument();
    expect(
      screen.getByText(/cursor config \(user\) declares 'github'/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'network (0)' }));
    expect(
      screen.getByText('Nothing from the network layer.'),
    ).toBeInTheDocument();
  });

  it('says when there is nothing yet, and shows the backend error when it fails', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    const { unmount } = renderMcpeekerPage('/mcpeeker');
    expect(await screen.findByText(/No findings match/)).toBeInTheDocument();
    unmount();

    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read MCP findings',
            },
          },
          { status: 403 },
        ),
      ),
    );
    renderMcpeekerPage('/mcpeeker');
    expect(
      await screen.findByText(/You may not read MCP findings/),
    ).toBeInTheDocument();
  });
});

describe('Registry', () => {
  it('lists entries with status and an orange expiry within 14 days, and filters to mine', async () => {
    const queries: string[] = [];
    server.use(
      http.get('*/api/mcpeeker/registry', ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({
          items: [
            entry(),
            entry({
              id: 'e2',
              name: 'linear',
              status: 'approved',
              expiresAt: inDays(3),
            }),
          ],
          totalCount: 2,
        });
      }),
    );
    renderMcpeekerPage('/mcpeeker/registry', { apis: [identity] });
    const rows = await screen.findAllByTestId('registry-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('pending')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('user:default/dana (you)'),
    ).toBeInTheDocument();
    expect(within(rows[0]).queryByTestId('expiry-soon')).toBeNull();
    expect(within(rows[1]).getByTestId('expiry-soon')).toHaveTextContent(
      'in 3 d',
    );
    // No approve permission: no Approvals tab.
    expect(screen.queryByRole('tab', { name: 'Approvals' })).toBeNull();

    server.use(
      http.post('*/api/mcpeeker/registry/:id/verify', ({ params }) =>
        HttpResponse.json({
          detected: params.id === 'e1',
          matches:
            params.id === 'e1'
              ? [
                  {
                    compositeId: 'mcp_x',
                    score: 6,
                    classification: 'suspect',
                    lastSeen: inDays(0),
                  },
                ]
              : [],
        }),
      ),
    );
    await userEvent.click(
      within(rows[0]).getByRole('button', { name: 'Check' }),
    );
    expect(
      await within(rows[0]).findByTestId('detection-result'),
    ).toHaveTextContent('detected: 1 finding(s), highest score 6');
    await userEvent.click(
      within(rows[1]).getByRole('button', { name: 'Check' }),
    );
    expect(
      await within(rows[1]).findByTestId('detection-result'),
    ).toHaveTextContent('not detected');

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'My MCPs only' }),
    );
    await screen.findAllByTestId('registry-row');
    expect(queries.at(-1)).toContain('owner=user%3Adefault%2Fdana');
  });

  it('registers from a finding with its name and identity filled in, and shows the backend’s reason when it refuses', async () => {
    const posted: any[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json({
          ...finding,
          evidence: { endpoint: [endpointEvidence], network: [], gateway: [] },
        }),
      ),
      http.post('*/api/mcpeeker/registry', async ({ request }) => {
        const body = (await request.json()) as any;
        posted.push(body);
        if (body.purpose.length < 10)
          return HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message:
                  'Invalid registration: purpose must be at least 10 characters',
              },
            },
            { status: 400 },
          );
        return HttpResponse.json(entry(), { status: 201 });
      }),
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: [entry()], totalCount: 1 }),
      ),
    );
    renderMcpeekerPage(
      `/mcpeeker/registry/new?finding=${finding.compositeId}`,
      { apis: [identity] },
    );
    const name = await screen.findByRole('textbox', { name: /Name/ });
    expect(name).toHaveValue('github');
    expect(screen.getByRole('textbox', { name: /Team/ })).toHaveValue(
      'group:default/team-a',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: /Purpose/ }),
      'short',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'purpose must be at least 10 characters',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: /Purpose/ }),
      ' but now long enough',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByTestId('registry-row')).toBeInTheDocument();
    expect(posted.at(-1)).toMatchObject({
      name: 'github',
      team: 'group:default/team-a',
      purpose: 'short but now long enough',
      transport: 'stdio',
      identity: {
        compositeId: finding.compositeId,
        hostIdHash: finding.hostIdHash,
      },
      fromFinding: finding.compositeId,
    });
  });

  it('keeps the Approvals page closed to those without the approve permission', async () => {
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: [entry()], totalCount: 1 }),
      ),
    );
    renderMcpeekerPage('/mcpeeker/approvals', { apis: [identity] });
    expect(
      // RequirePermission answers a refusal with the not-found page.
      await screen.findByText(/PAGE NOT FOUND/, {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('approval-row')).toBeNull();
  });
});

// Admins: the permission check allows (each render has its own permission cache).
describe('Approvals', () => {
  it('shows admins the pending entries to approve, and approving sends the reason', async () => {
    const decisions: Array<{ path: string; body: unknown }> = [];
    let pending = [entry()];
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({ items: pending, totalCount: pending.length }),
      ),
      http.post(
        '*/api/mcpeeker/registry/:id/:decision',
        async ({ request, params }) => {
          decisions.push({
            path: `${params.id}/${params.decision}`,
            body: await request.json(),
          });
          pending = [];
          return HttpResponse.json({
            ...entry(),
            status: 'approved',
            rescoredFindings: 1,
          });
        },
      ),
    );
    renderMcpeekerPage('/mcpeeker/approvals', {
      apis: [identity],
      allow: true,
    });
    // The permission check comes first, then the list.
    const row = await screen.findByTestId(
      'approval-row',
      {},
      { timeout: 5000 },
    );
    expect(
      within(row).getByText(`finding ${finding.compositeId}`),
    ).toBeInTheDocument();
    await userEvent.type(
      within(row).getByRole('textbox', { name: 'Reason' }),
      'needed',
    );
    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'github approved; 1 finding(s) rescored',
    );
    expect(decisions).toEqual([
      { path: 'e1/approve', body: { reason: 'needed' } },
    ]);
    expect(
      await screen.findByText('Nothing waits for approval'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Approvals' })).toBeInTheDocument();
  });
});

describe('Settings', () => {
  it('shows and saves the finding-alert threshold, beside the notification channels', async () => {
    const patches: unknown[] = [];
    let prefs = { findingAlerts: { enabled: true, minScore: 9 } };
    server.use(
      http.get('*/api/mcpeeker/users/me/preferences', () =>
        HttpResponse.json(prefs),
      ),
      http.patch('*/api/mcpeeker/users/me/preferences', async ({ request }) => {
        const patch = (await request.json()) as any;
        patches.push(patch);
        prefs = {
          findingAlerts: { ...prefs.findingAlerts, ...patch.findingAlerts },
        };
        return HttpResponse.json(prefs);
      }),
    );
    const channels = {
      channels: [
        {
          id: 'Email',
          origins: [{ id: 'plugin:mcpeeker', enabled: true, topics: [] }],
        },
      ],
    };
    renderMcpeekerPage('/mcpeeker/settings', {
      apis: [
        identity,
        [
          notificationsApiRef,
          {
            getNotificationSettings: async () => channels,
            updateNotificationSettings: async (s: any) => s,
          } as any,
        ],
      ],
    });
    const threshold = await screen.findByLabelText(
      'Alert from',
      {},
      { timeout: 5000 },
    );
    expect(threshold).toHaveTextContent('unauthorized only (9+)');
    await userEvent.click(threshold);
    await userEvent.click(
      await screen.findByRole('option', { name: 'suspect and above (5+)' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Saved');
    expect(patches).toEqual([{ findingAlerts: { minScore: 5 } }]);
    expect(screen.getByLabelText('Alert from')).toHaveTextContent(
      'suspect and above (5+)',
    );
    // The channels are Backstage's notification settings for MCPeeker.
    expect(
      await screen.findByRole('cell', { name: 'MCPeeker' }),
    ).toBeInTheDocument();
  });
});
