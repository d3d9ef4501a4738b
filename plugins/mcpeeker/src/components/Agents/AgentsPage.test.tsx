import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type {
  AgentEnrolment,
  EnrolledAgent,
  HostEnforcementList,
} from '@mcpeeker/plugin-mcpeeker-common';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { inDays } from '../../__testUtils__/fixtures';
import { readerInTimeZone, seenIn } from '../../__testUtils__/readerTimeZone';
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

describe('Agents, read east of UTC', () => {
  // A reader in Auckland, 13 hours ahead of UTC in November: the evening of
  // the 20th in UTC is the 21st there.
  readerInTimeZone('Pacific/Auckland');
  const inAuckland = seenIn('Pacific/Auckland');
  /** The time element in `container` showing `iso` in the reader's time. */
  const timeShowing = (container: HTMLElement, iso: string) => {
    const time = within(container).getByText(inAuckland(iso));
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('dateTime', iso);
  };

  it('writes when each secret and agent was made, expires, enrolled and was revoked in the reader’s time, and when last heard from as how long ago', async () => {
    const createdAt = '2026-11-20T20:00:00.000Z';
    const expiresAt = '2026-11-21T10:59:00.000Z';
    const enrolledAt = '2026-11-20T20:30:00.000Z';
    const revokedAt = '2026-11-20T21:00:00.000Z';
    const appliedAt = '2026-11-20T19:00:00.000Z';
    const minutesAgo = (m: number) =>
      new Date(Date.now() - m * 60_000).toISOString();
    const lastSeenAt = minutesAgo(5);
    const reportedAt = minutesAgo(180);
    server.use(
      http.get('*/api/mcpeeker/agents/enrolments', () =>
        HttpResponse.json({
          items: [
            {
              id: 'n1',
              owner: 'user:default/dana',
              label: 'laptops',
              maxUses: 5,
              uses: 1,
              expiresAt,
              createdBy: 'user:default/pat',
              createdAt,
            },
          ] satisfies AgentEnrolment[],
        }),
      ),
      http.get('*/api/mcpeeker/agents', () =>
        HttpResponse.json({
          items: [
            {
              id: 'a1',
              hostIdHash: 'a'.repeat(64),
              owner: 'user:default/dana',
              enrolmentId: 'n1',
              enrolledAt,
              lastSeenAt,
            },
            {
              id: 'a2',
              hostIdHash: 'b'.repeat(64),
              owner: 'user:default/sam',
              enrolmentId: 'n1',
              enrolledAt,
              revokedBy: 'user:default/pat',
              revokedAt,
            },
          ] satisfies EnrolledAgent[],
        }),
      ),
      http.get('*/api/mcpeeker/hosts', () =>
        HttpResponse.json({
          items: [
            {
              hostIdHash: 'a'.repeat(64),
              os: 'linux',
              owner: 'user:default/dana',
              clients: [
                {
                  client: 'claude-code',
                  mode: 'managed-only',
                  byMcpeeker: true,
                  allowed: 2,
                  appliedAt,
                },
              ],
              reportedAt,
            },
          ],
          total: 1,
          enforcing: 1,
        } satisfies HostEnforcementList),
      ),
    );
    await renderUnstyled(<AgentsPage />, {
      apis: [[mcpeekerApiRef, testClient]],
    });
    const enrolment = await screen.findByRole(
      'row',
      { name: /^laptops/ },
      { timeout: 30_000 },
    );
    timeShowing(enrolment, createdAt);
    timeShowing(enrolment, expiresAt);
    // The agents are a list of their own, read beside the enrolments.
    // Not the host's report below, which names the host alike.
    const dana = await waitFor(() => {
      const rows = screen
        .getAllByRole('row', { name: /^aaaaaaaaaaaa…/ })
        .filter(row => !within(row).queryByText('Enforces'));
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    const sam = screen.getByRole('row', { name: /^bbbbbbbbbbbb…/ });
    timeShowing(dana, enrolledAt);
    // Last heard from: how long ago, the time itself on hover.
    const heard = within(dana).getByText('5 minutes ago');
    expect(heard.tagName).toBe('TIME');
    expect(heard).toHaveAttribute('dateTime', lastSeenAt);
    expect(heard).toHaveAttribute('title', inAuckland(lastSeenAt));
    expect(within(sam).getByText('never')).toBeInTheDocument();
    expect(within(sam).getByTitle(/^revoked by/)).toHaveAttribute(
      'title',
      `revoked by user:default/pat ${inAuckland(revokedAt)}`,
    );
    // The hosts' reports: when last reported, and when the policy was written.
    const host = await screen.findByRole('row', { name: /Enforces/ });
    const reported = within(host).getByText('3 hours ago');
    expect(reported.tagName).toBe('TIME');
    expect(reported).toHaveAttribute('dateTime', reportedAt);
    expect(reported).toHaveAttribute('title', inAuckland(reportedAt));
    expect(
      within(host).getByTitle(/^Claude Code: allowlist, deny others/),
    ).toHaveAttribute(
      'title',
      `Claude Code: allowlist, deny others (2 servers allowed, written by mcpeeker-agent policy ${inAuckland(
        appliedAt,
      )})`,
    );
  }, 60_000);
});
