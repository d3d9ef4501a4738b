import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { inDays } from '../../__testUtils__/fixtures';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { AgentsPage } from './AgentsPage';

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

/** The backend issuing a secret for what the form sent. */
function answerEnrolments() {
  server.use(
    http.get('*/api/mcpeeker/agents/enrolments', () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get('*/api/mcpeeker/agents', () => HttpResponse.json({ items: [] })),
    http.get('*/api/mcpeeker/hosts', () =>
      HttpResponse.json({ items: [], total: 0, enforcing: 0 }),
    ),
    http.post('*/api/mcpeeker/agents/enrolments', async ({ request }) => {
      const body = (await request.json()) as { owner: string; maxUses: number };
      return HttpResponse.json(
        {
          id: 'n1',
          owner: body.owner,
          maxUses: body.maxUses,
          uses: 0,
          expiresAt: inDays(1),
          createdBy: 'user:default/pat',
          createdAt: inDays(0),
          secret: 'mcpe_secret_0123456789',
        },
        { status: 201 },
      );
    }),
  );
}

/** Issues a secret for Dana usable `uses` times; the panel that shows it. */
async function issue(uses: string) {
  // Typed at once: what is typed is not what this test is about.
  fireEvent.change(
    await screen.findByLabelText(/^Owner/, {}, { timeout: 30_000 }),
    { target: { value: 'user:default/dana' } },
  );
  fireEvent.change(screen.getByLabelText('Number of uses'), {
    target: { value: uses },
  });
  await userEvent.click(
    screen.getByRole('button', { name: 'Create enrolment secret' }),
  );
  return screen.findByRole('region', { name: 'New enrolment secret' });
}

describe('Agents: enrolling', () => {
  it('says how many machines a secret enrols, in words', async () => {
    answerEnrolments();
    const { unmount } = await renderUnstyled(<AgentsPage />, {
      apis: [[mcpeekerApiRef, testClient]],
    });
    const one = await issue('1');
    expect(one).toHaveTextContent(
      /enrols up to 1 machine for user:default\/dana\./,
    );
    expect(one).not.toHaveTextContent('(s)');
    unmount();

    await renderUnstyled(<AgentsPage />, {
      apis: [[mcpeekerApiRef, testClient]],
    });
    const five = await issue('5');
    expect(
      within(five).getByText(/enrols up to 5 machines for/),
    ).toBeInTheDocument();
  }, 60_000);
});
