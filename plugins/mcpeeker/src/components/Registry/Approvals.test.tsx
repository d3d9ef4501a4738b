import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';
import {
  demoIdentity as identity,
  finding,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';

// Its own file: permission answers are cached per module, and this one allows.
describe('Approvals', () => {
  const server = setupServer();
  registerMswTestHooks(server);

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
