import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { notificationsApiRef } from '@backstage/plugin-notifications';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';
import { demoIdentity } from '../../__testUtils__/fixtures';

describe('Settings', () => {
  const server = setupServer();
  registerMswTestHooks(server);

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
        demoIdentity,
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
