import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';
import {
  demoIdentity as identity,
  endpointEvidence,
  finding,
  inDays,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';

describe('Registry', () => {
  const server = setupServer();
  registerMswTestHooks(server);

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
