import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { localTime } from '../LocalTime';
import { AgentsPage } from './AgentsPage';

// Agents → Enrol agents, as an admin fills it in: what the form says back.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

/** A local calendar day so many days from today, as the date field takes it. */
function localDay(offsetDays: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
const endOf = (day: string) => new Date(`${day}T23:59:59`).toISOString();

/** The backend: empty lists, and `answer` for each secret asked for. */
function backend(answer: (body: any) => Response) {
  const posted: any[] = [];
  server.use(
    http.get('*/api/mcpeeker/agents/enrolments', () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get('*/api/mcpeeker/agents', () => HttpResponse.json({ items: [] })),
    http.get('*/api/mcpeeker/hosts', () =>
      HttpResponse.json({ items: [], total: 0, enforcing: 0 }),
    ),
    http.post('*/api/mcpeeker/agents/enrolments', async ({ request }) => {
      const body = await request.json();
      posted.push(body);
      return answer(body);
    }),
  );
  return posted;
}

/** A 400 as the backend answers it. */
const refused = (message: string) =>
  HttpResponse.json(
    {
      error: { name: 'InputError', message },
      request: { method: 'POST', url: '/api/mcpeeker/agents/enrolments' },
      response: { statusCode: 400 },
    },
    { status: 400 },
  );

async function fillIn(values: { uses?: string; expires?: string }) {
  fireEvent.change(
    await screen.findByLabelText(/^Owner/, {}, { timeout: 30_000 }),
    { target: { value: 'user:default/dana' } },
  );
  if (values.uses !== undefined)
    fireEvent.change(screen.getByLabelText('Number of uses'), {
      target: { value: values.uses },
    });
  if (values.expires !== undefined)
    fireEvent.change(screen.getByLabelText('Expires'), {
      target: { value: values.expires },
    });
  await userEvent.click(
    screen.getByRole('button', { name: 'Create enrolment secret' }),
  );
}

const render = () =>
  renderUnstyled(<AgentsPage />, { apis: [[mcpeekerApiRef, testClient]] });

describe('Enrol agents', () => {
  it('says what is wrong in the words of its labels, beside the field, never the API’s field names', async () => {
    const reasons = [
      "Invalid enrolment: maxUses must be a whole number from 1 to 10000, got '0'",
      'Invalid enrolment: expiresAt must be in the future',
      'Invalid enrolment: owner user:default/ghost is not in the catalog; label must be at most 200 characters',
    ];
    backend(() => refused(reasons.shift()!));
    await render();

    await fillIn({ uses: '0' });
    const uses = screen.getByLabelText('Number of uses');
    expect(uses).toHaveAttribute('aria-invalid', 'true');
    expect(
      await screen.findByText(
        "Number of uses must be a whole number from 1 to 10000, got '0'",
      ),
    ).toBeInTheDocument();

    await fillIn({ uses: '1' });
    expect(
      await screen.findByText('Expires must be in the future'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Expires')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(uses).not.toHaveAttribute('aria-invalid', 'true');

    // Two reasons at once: each beside its own field.
    await fillIn({});
    expect(
      await screen.findByText('Owner user:default/ghost is not in the catalog'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Label must be at most 200 characters'),
    ).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(
      /maxUses|expiresAt|Invalid enrolment/,
    );
  }, 60_000);

  it('sends the end of the chosen day and says the secret lasts until then', async () => {
    const posted = backend(body =>
      HttpResponse.json(
        {
          id: 'n1',
          owner: body.owner,
          maxUses: 1,
          uses: 0,
          expiresAt: body.expiresAt,
          createdBy: 'user:default/pat',
          createdAt: new Date().toISOString(),
          secret: 'mcpe_secret_0123456789',
        },
        { status: 201 },
      ),
    );
    await render();
    const day = localDay(10);
    await fillIn({ expires: day });
    const panel = await screen.findByRole('region', {
      name: 'New enrolment secret',
    });
    expect(posted).toEqual([
      { owner: 'user:default/dana', maxUses: 1, expiresAt: endOf(day) },
    ]);
    expect(panel).toHaveTextContent(
      `Until ${localTime(endOf(day))}, it enrols`,
    );
  }, 60_000);

  it('refuses a day more than 30 days ahead, naming the last one, and sends nothing; offers no later day', async () => {
    const posted = backend(() => refused('not asked'));
    await render();
    const expires = await screen.findByLabelText(
      'Expires',
      {},
      { timeout: 30_000 },
    );
    // The last day offered is the last whose end is at most 30 days away.
    const last = expires.getAttribute('max')!;
    const limit = Date.now() + 30 * 86_400_000;
    expect(Date.parse(endOf(last))).toBeLessThanOrEqual(limit);
    const next = [0, 1, 2, 30, 31].map(localDay).find(d => d > last)!;
    expect(Date.parse(endOf(next))).toBeGreaterThan(limit);

    // As the tester typed it: months ahead, then the day after the last.
    for (const day of [localDay(300), next]) {
      await fillIn({ expires: day });
      expect(expires).toHaveAttribute('aria-invalid', 'true');
      expect(
        screen.getByText(
          `Expires must be at most 30 days ahead: ${last} at the latest`,
        ),
      ).toBeInTheDocument();
    }
    expect(posted).toEqual([]);
    expect(
      screen.queryByRole('region', { name: 'New enrolment secret' }),
    ).not.toBeInTheDocument();
  }, 60_000);
});
