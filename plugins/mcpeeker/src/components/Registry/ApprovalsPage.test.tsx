import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { registryEntry } from '../../__testUtils__/fixtures';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

describe('Approvals', () => {
  it('shows who asks, for which team and for what server whole, not cut into a tooltip', async () => {
    const owner = 'user:default/alexandra.konstantinopoulou';
    const team = 'group:default/platform-security-engineering';
    const identity = 'package @modelcontextprotocol/server-filesystem@2.1.0';
    server.use(
      http.get('*/api/mcpeeker/registry', () =>
        HttpResponse.json({
          items: [
            registryEntry({
              name: 'filesystem',
              owner,
              team,
              identity: {
                packageId: '@modelcontextprotocol/server-filesystem',
                packageVersion: '2.1.0',
              },
            }),
          ],
          totalCount: 1,
        }),
      ),
    );
    renderMcpeekerPage('/mcpeeker/approvals', { allow: true });
    // The rows are drawn anew when the tab's count comes: the page is whole
    // once it is there too.
    await screen.findByRole(
      'tab',
      { name: 'Approvals (1)' },
      { timeout: 30_000 },
    );
    const row = (
      await screen.findByRole('link', { name: 'filesystem' })
    ).closest('tr')!;
    // Each is text on the page (over more lines where narrow), and no title
    // stands in for a part cut off.
    const shown = (text: string) =>
      within(row).getByText((_, element) => element?.textContent === text, {
        selector: 'div',
      });
    for (const text of [owner, team, identity]) {
      expect(shown(text)).toBeVisible();
      expect(shown(text)).not.toHaveAttribute('title');
    }
  });
});
