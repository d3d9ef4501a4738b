import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import { SWRConfig } from 'swr';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import {
  demoIdentity as dana,
  inDays,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { ActionDone, EntryActions } from './EntryActions';

// An entry's actions alone, as its owner (Dana, a developer) sees them.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

/** Dana's view of the entry's actions; what the page was told was done. */
function renderActions(current: RegistryEntry) {
  const done: ActionDone[] = [];
  renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>
      <EntryActions entry={current} onDone={d => done.push(d)} />
    </SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({ authorize: AuthorizeResult.DENY }),
        dana,
      ],
    },
  );
  return done;
}

/** The withdrawals the backend was asked for, by entry id. */
function serveWithdraw() {
  const withdrawn: string[] = [];
  server.use(
    http.post('*/api/mcpeeker/registry/:id/withdraw', ({ params }) => {
      withdrawn.push(String(params.id));
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return withdrawn;
}

describe('An owner’s registry entry actions', () => {
  it('offers to withdraw an approved entry, saying it will be scored as unregistered again and leave the enforcement allowlist', async () => {
    const withdrawn = serveWithdraw();
    const done = renderActions(entry({ status: 'approved' }));

    // Edit and Withdraw, side by side; no admin's actions.
    const withdraw = await screen.findByRole('button', {
      name: 'Withdraw github',
    });
    expect(
      screen.getAllByRole('button').map(b => b.getAttribute('aria-label')),
    ).toEqual(['Edit github', 'Withdraw github']);

    await userEvent.click(withdraw);
    const dialog = await screen.findByRole('dialog', {
      name: 'Withdraw github?',
    });
    expect(dialog).toHaveTextContent(
      /its detections are scored as unregistered again, and it is removed from the enforcement allowlist/,
    );
    // Not the words of a request no admin has decided on.
    expect(dialog).not.toHaveTextContent(/before an admin decides/);
    // Cancel changes nothing.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    expect(withdrawn).toEqual([]);

    await userEvent.click(withdraw);
    await userEvent.click(
      within(
        await screen.findByRole('dialog', { name: 'Withdraw github?' }),
      ).getByRole('button', { name: 'Withdraw' }),
    );
    await screen.findByRole('button', { name: 'Withdraw github' });
    expect(withdrawn).toEqual(['e1']);
    expect(done).toEqual([
      {
        message:
          'Withdrew github: its detections are scored as unregistered again, and it is no longer on the enforcement allowlist.',
        removed: true,
      },
    ]);
  });

  it('withdraws a pending one as a request taken back', async () => {
    serveWithdraw();
    const done = renderActions(entry({ status: 'pending' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Withdraw github' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Withdraw github?',
    });
    expect(dialog).toHaveTextContent(/taken back before an admin decides/);
    expect(dialog).not.toHaveTextContent(/allowlist/);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw' }),
    );
    await screen.findByRole('button', { name: 'Withdraw github' });
    expect(done[0].message).toMatch(/before an admin decided on it/);
  });

  it.each([
    ['expired', entry({ status: 'expired', expiresAt: inDays(-2) })],
    [
      'approved, past its date',
      entry({ status: 'approved', expiresAt: inDays(-1) }),
    ],
  ])(
    'offers no withdrawal of an entry %s, only its renewal',
    async (_what, current) => {
      renderActions(current);
      await screen.findByRole('button', { name: 'Renew github' });
      expect(
        screen.queryByRole('button', { name: 'Withdraw github' }),
      ).toBeNull();
    },
  );
});
