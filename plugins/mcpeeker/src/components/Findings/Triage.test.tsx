import { ReactElement } from 'react';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type {
  Finding,
  FindingFeedback,
  FindingTimeline,
  Suppression,
} from '@mcpeeker/plugin-mcpeeker-common';
import { useLocation } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { finding, inDays } from '../../__testUtils__/fixtures';
import {
  renderMcpeekerPage,
  renderUnstyled,
  testClient,
} from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import { day } from '../Registry/EntryActions';
import { SuppressionsPage } from '../Suppressions/SuppressionsPage';
import { FeedbackCard } from './FeedbackCard';
import { FindingsTable } from './FindingsTable';
import { SuppressionBanner } from './SuppressionBanner';
import { TimelineCard } from './TimelineCard';
import { TriageCard } from './TriageCard';
import { fill } from '../../__testUtils__/fill';

// An analyst's triage as they use it: status and assignee, feedback and
// suppressing a false positive, a suppressed finding's banner, the
// timeline, the list's triage filters and export, and the Suppressions page.
// Components render on their own (no whole page) but one, which checks the
// finding page puts them together.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const ANALYST = [
  'mcpeeker.finding.read',
  'mcpeeker.feedback.create',
  'mcpeeker.feedback.read',
  'mcpeeker.triage.update',
  'mcpeeker.suppression.read',
  'mcpeeker.suppression.create',
];
const ADMIN = [...ANALYST, 'mcpeeker.suppression.delete'];
const DEVELOPER: string[] = [];

const sam = mockApis.identity({
  userEntityRef: 'user:default/sam',
  ownershipEntityRefs: ['user:default/sam', 'group:default/security'],
});

/**
 * Renders `element` for someone allowed exactly `allowed`, with its own
 * permission cache. `answered` resolves once a permission was asked: a
 * control that is absent then is absent for good.
 */
function renderAs(
  allowed: string[],
  element: ReactElement,
  options: { path?: string } = {},
) {
  const authorize = jest.fn(
    async (request: { permission: { name: string } }) => ({
      result: allowed.includes(request.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }),
  );
  const rendered = renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        [permissionApiRef, { authorize, authorizeConditional: authorize }],
        sam,
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      ...(options.path ? { initialRouteEntries: [options.path] } : {}),
    },
  );
  return {
    rendered,
    answered: async () => {
      await waitFor(() => expect(authorize).toHaveBeenCalled());
      await act(async () => {});
    },
  };
}

/** The requests to a route, with their bodies. */
function record(
  method: 'post' | 'patch' | 'delete',
  path: string,
  answer: (body: any, n: number) => Response,
) {
  const bodies: any[] = [];
  server.use(
    http[method](`*/api/mcpeeker${path}`, async ({ request }) => {
      const body = await request.json().catch(() => undefined);
      bodies.push(body);
      return answer(body, bodies.length);
    }),
  );
  return bodies;
}

/** A refusal as Backstage's error middleware sends it. */
const refusal = (status: number, name: string, message: string) =>
  HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );

const at = (iso: string) => new Date(iso).toLocaleString();
/** A date as a narrow column shows it: the day, its time under it. */
const dayThenTime = (iso: string) =>
  `${new Date(iso).toLocaleDateString()}${new Date(iso).toLocaleTimeString()}`;

describe('TriageCard', () => {
  it('says what the last change changed: the status, the assignee, both, or the verdict', async () => {
    const changedAt = inDays(-1);
    const lastChanged = async (
      lastChange: Parameters<typeof TriageCard>[0]['lastChange'],
    ) => {
      const { rendered } = renderAs(
        DEVELOPER,
        <TriageCard
          finding={finding}
          lastChange={lastChange}
          onChanged={() => {}}
        />,
      );
      const text = (await screen.findByText(/^user:default\/pat on /))
        .textContent;
      (await rendered).unmount();
      return text;
    };
    const triage = {
      at: changedAt,
      kind: 'triage' as const,
      summary: 'user:default/pat …',
      actor: 'user:default/pat',
    };
    expect(await lastChanged({ ...triage, changed: ['status'] })).toBe(
      `user:default/pat on ${at(changedAt)} (status)`,
    );
    expect(await lastChanged({ ...triage, changed: ['assignee'] })).toBe(
      `user:default/pat on ${at(changedAt)} (assignee)`,
    );
    expect(
      await lastChanged({ ...triage, changed: ['status', 'assignee'] }),
    ).toBe(`user:default/pat on ${at(changedAt)} (status and assignee)`);
    expect(
      await lastChanged({
        ...triage,
        kind: 'feedback',
        summary: 'user:default/pat marked it a true positive',
      }),
    ).toBe(`user:default/pat on ${at(changedAt)} (feedback)`);
  });

  it('lets an analyst set the status and the assignee (themselves or a ref), each refusal beside its field', async () => {
    const patches = record('patch', '/findings/:id/triage', body =>
      body.assignee === 'user:default/ghost'
        ? refusal(
            400,
            'InputError',
            'Invalid triage: assignee user:default/ghost is not in the catalog',
          )
        : HttpResponse.json({ status: 'open', ...body }),
    );
    const onChanged = jest.fn();
    const changedAt = inDays(-1);
    renderAs(
      ANALYST,
      <TriageCard
        finding={finding}
        lastChange={{
          at: changedAt,
          kind: 'triage',
          summary: 'user:default/pat set the status to open',
          actor: 'user:default/pat',
          changed: ['status'],
        }}
        onChanged={onChanged}
      />,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /^Status/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Investigating' }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('triage-assignee')).toHaveTextContent(
      'Assigned to nobody',
    );
    expect(
      screen.getByRole('row', { name: /^last changed by/i }),
    ).toHaveTextContent(`user:default/pat on ${at(changedAt)} (status)`);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Assign to me' }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(2));

    // Checked here by the common schema first: nothing is sent.
    const field = screen.getByRole('textbox', { name: 'Assign to' });
    await fill(field, 'user:default/');
    await userEvent.click(screen.getByRole('button', { name: 'Assign' }));
    expect(field).toHaveAccessibleDescription(
      'Assignee must be a user entity ref such as user:default/sam',
    );
    expect(field).toBeInvalid();
    // A bare name is a user in the default namespace; the backend's refusal in words.
    await userEvent.clear(field);
    await userEvent.type(field, 'ghost{Enter}');
    await waitFor(() => expect(patches).toHaveLength(3));
    await waitFor(() =>
      expect(field).toHaveAccessibleDescription(
        'Assignee user:default/ghost is not in the catalog',
      ),
    );
    expect(patches).toEqual([
      { status: 'investigating' },
      { assignee: 'user:default/sam' },
      { assignee: 'user:default/ghost' },
    ]);
    expect(onChanged).toHaveBeenCalledTimes(2);
  });

  it('shows a developer status, assignee and verdict without a way to change them', async () => {
    const { answered } = renderAs(
      DEVELOPER,
      <TriageCard
        finding={{
          ...finding,
          triage: {
            status: 'investigating',
            assignee: 'user:default/sam',
            verdict: 'true-positive',
          },
        }}
        onChanged={() => {}}
      />,
    );
    await answered();
    expect(screen.getByText('Investigating')).toBeInTheDocument();
    expect(screen.getByText('user:default/sam')).toBeInTheDocument();
    expect(screen.getByText('True positive')).toBeInTheDocument();
    expect(screen.getByText('nobody yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Status/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Assign to me' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Assign to' })).toBeNull();
  });
});

describe('FeedbackCard', () => {
  const given: FindingFeedback = {
    id: 'f1',
    compositeId: finding.compositeId,
    verdict: 'true-positive',
    note: 'Seen on the build farm.\nAsked the owner.',
    tags: ['ci'],
    author: 'user:default/pat',
    createdAt: inDays(-2),
  };

  it('checks the form as the backend will (an oversize note marked on its field), sends it, and lists who said what when', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings/:id/feedback', () =>
        HttpResponse.json({ items: [given] }),
      ),
    );
    const posts = record('post', '/findings/:id/feedback', body =>
      HttpResponse.json(
        {
          ...body,
          id: 'f2',
          compositeId: finding.compositeId,
          author: 'user:default/sam',
          createdAt: inDays(0),
        },
        { status: 201 },
      ),
    );
    const onChanged = jest.fn();
    renderAs(
      ANALYST,
      <FeedbackCard finding={finding} reloadKey={0} onChanged={onChanged} />,
    );
    const list = await screen.findByRole('list', { name: 'Feedback so far' });
    const [item] = within(list).getAllByRole('listitem');
    expect(within(item).getByText('True positive')).toBeInTheDocument();
    expect(item).toHaveTextContent(`user:default/pat, ${at(given.createdAt)}`);
    // The instant itself, for assistive tech.
    expect(within(item).getByText(at(given.createdAt))).toHaveAttribute(
      'dateTime',
      given.createdAt,
    );
    expect(item).toHaveTextContent('Seen on the build farm. Asked the owner.');
    expect(within(item).getByText('ci')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Send feedback' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Choose a verdict.',
    );
    await userEvent.click(screen.getByRole('radio', { name: 'True positive' }));
    // Choosing one answers it: the problem goes.
    expect(screen.queryByText('Choose a verdict.')).not.toBeInTheDocument();
    const note = screen.getByRole('textbox', { name: 'Note (optional)' });
    await userEvent.click(note);
    await userEvent.paste('x'.repeat(4097));
    // The counter, live.
    expect(note).toHaveAccessibleDescription('4,097 / 4,096 characters');
    const tags = screen.getByRole('textbox', { name: 'Tags (optional)' });
    await fill(tags, 'ci, Build_Farm');
    await userEvent.click(
      screen.getByRole('button', { name: 'Send feedback' }),
    );
    expect(note).toHaveAccessibleDescription(
      'Note must be at most 4096 characters',
    );
    expect(note).toBeInvalid();
    expect(tags).toHaveAccessibleDescription(
      "Tag 'Build_Farm' must be 1–64 characters of a-z, 0-9 and -",
    );
    expect(posts).toEqual([]);

    // Suppressing is for false positives, and this finding has no command to suppress by.
    await userEvent.click(
      screen.getByRole('radio', { name: 'False positive' }),
    );
    await userEvent.click(screen.getByRole('checkbox', { name: /^Suppress/ }));
    expect(
      screen.getByRole('radio', { name: /^This finding only/ }),
    ).toBeChecked();
    expect(
      screen.getByRole('radio', { name: /^github on a team's machines/ }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('radio', { name: /^This command everywhere/ }),
    ).toBeNull();
    await userEvent.click(screen.getByRole('checkbox', { name: /^Suppress/ }));
    await userEvent.click(screen.getByRole('radio', { name: 'Inconclusive' }));

    fireEvent.change(note, { target: { value: 'Could be the CI probe.' } });
    await userEvent.clear(tags);
    await fill(tags, 'ci build-farm');
    await userEvent.click(
      screen.getByRole('button', { name: 'Send feedback' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Feedback recorded: inconclusive',
    );
    expect(posts).toEqual([
      {
        verdict: 'inconclusive',
        note: 'Could be the CI probe.',
        tags: ['ci', 'build-farm'],
      },
    ]);
    expect(onChanged).toHaveBeenCalledTimes(1);
    // The form starts again.
    expect(note).toHaveValue('');
  });

  it('suppresses a false positive by the scope chosen, with the team, reason and expiry it needs', async () => {
    const withCommand: Finding = {
      ...finding,
      commandSignatureHash: 'c'.repeat(64),
    };
    const posts = record('post', '/findings/:id/feedback', (body, n) =>
      n === 1
        ? refusal(
            400,
            'InputError',
            'Invalid feedback: suppress.team group:default/ghosts is not in the catalog',
          )
        : HttpResponse.json(
            {
              ...body,
              suppress: undefined,
              id: 'f3',
              compositeId: finding.compositeId,
              tags: [],
              author: 'user:default/sam',
              createdAt: inDays(0),
              suppression: {
                id: 's1',
                scope: 'server-on-team',
                serverName: 'github',
                team: 'group:default/platform',
                label: 'github on group:default/platform',
                reason: body.suppress.reason,
                createdBy: 'user:default/sam',
                createdAt: inDays(0),
                active: true,
              },
            },
            { status: 201 },
          ),
    );
    renderAs(
      ANALYST,
      <FeedbackCard finding={withCommand} reloadKey={0} onChanged={() => {}} />,
    );
    await userEvent.click(
      await screen.findByRole('radio', { name: 'False positive' }),
    );
    await userEvent.click(screen.getByRole('checkbox', { name: /^Suppress/ }));
    // Each scope said in words; the command one as this finding has a command.
    expect(
      screen.getByRole('radio', { name: /^This command everywhere/ }),
    ).toHaveAccessibleName(
      'This command everywhere The same stdio command (launcher and arguments, secret values dropped) on any host, whoever runs it.',
    );
    await userEvent.click(
      screen.getByRole('radio', { name: /^github on a team's machines/ }),
    );
    const send = screen.getByRole('button', {
      name: 'Send feedback and suppress',
    });
    await userEvent.click(send);
    const team = screen.getByRole('textbox', { name: 'Team' });
    const reason = screen.getByRole('textbox', { name: 'Reason' });
    expect(team).toHaveAccessibleDescription(
      'Team is required: pick the team whose machines it is on',
    );
    expect(reason).toHaveAccessibleDescription('Reason is required');
    expect(posts).toEqual([]);

    await fill(team, 'group:default/ghosts');
    await fill(reason, 'the platform team builds it');
    fireEvent.change(screen.getByLabelText('Expires (optional)'), {
      target: { value: day(30) },
    });
    await userEvent.click(send);
    // The backend's refusal, beside the field it names.
    await waitFor(() =>
      expect(team).toHaveAccessibleDescription(
        'Team group:default/ghosts is not in the catalog',
      ),
    );
    await userEvent.clear(team);
    await fill(team, 'group:default/platform');
    await userEvent.click(send);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Feedback recorded: false positive; suppressed github on group:default/platform',
    );
    expect(posts[1]).toEqual({
      verdict: 'false-positive',
      suppress: {
        scope: 'server-on-team',
        team: 'group:default/platform',
        reason: 'the platform team builds it',
        expiresAt: `${day(30)}T23:59:59Z`,
      },
    });
  });
});

describe('SuppressionBanner', () => {
  const suppression: Suppression = {
    id: 's2',
    scope: 'command',
    commandSignatureHash: 'c'.repeat(64),
    label: 'the stdio command of github (sha256 cccccccccccc)',
    reason: 'CI runs it on every host',
    expiresAt: inDays(30),
    createdBy: 'user:default/sam',
    createdAt: inDays(-3),
    active: true,
  };
  const suppressed: Finding = {
    ...finding,
    triage: {
      status: 'open',
      verdict: 'false-positive',
      suppression: {
        id: suppression.id,
        scope: suppression.scope,
        label: suppression.label,
        reason: suppression.reason,
        expiresAt: suppression.expiresAt,
      },
    },
  };

  it('says what suppresses the finding, why, by whom and until when; an admin lifts it after a confirmation', async () => {
    server.use(
      http.get('*/api/mcpeeker/suppressions', () =>
        HttpResponse.json({ items: [suppression] }),
      ),
    );
    const deletes = record('delete', '/suppressions/:id', () =>
      HttpResponse.json({ ...suppression, active: false }),
    );
    const onLifted = jest.fn();
    renderAs(
      ADMIN,
      <SuppressionBanner finding={suppressed} onLifted={onLifted} />,
    );
    const banner = await screen.findByRole('region', { name: 'Suppressed' });
    expect(banner).toHaveTextContent(
      'What suppresses it: The stdio command of github (sha256 cccccccccccc), on any host.',
    );
    expect(within(banner).getByTestId('suppression-reason')).toHaveTextContent(
      'Reason: CI runs it on every host',
    );
    const by = within(banner).getByTestId('suppression-by');
    await waitFor(() =>
      expect(by).toHaveTextContent(
        `Suppressed by user:default/sam on ${at(
          suppression.createdAt,
        )}, until ${at(suppression.expiresAt!)}`,
      ),
    );
    expect(within(by).getByText(at(suppression.expiresAt!))).toHaveAttribute(
      'dateTime',
      suppression.expiresAt,
    );

    await userEvent.click(
      within(banner).getByRole('button', { name: 'Lift suppression' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Lift the suppression?',
    });
    expect(dialog).toHaveTextContent('Every finding it matches comes back');
    await fill(
      within(dialog).getByRole('textbox', { name: 'Reason (optional)' }),
      'the CI image changed',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Lift suppression' }),
    );
    await waitFor(() => expect(onLifted).toHaveBeenCalled());
    expect(deletes).toEqual([{ reason: 'the CI image changed' }]);
  });

  it('shows a developer who suppressed their finding (from its timeline), and lifting to nobody but admins', async () => {
    const developer = renderAs(
      DEVELOPER,
      <SuppressionBanner
        finding={suppressed}
        timeline={[
          {
            at: suppression.createdAt,
            kind: 'suppression',
            summary: `Suppressed by user:default/sam: ${suppression.label} (${suppression.reason})`,
            actor: 'user:default/sam',
          },
        ]}
        onLifted={() => {}}
      />,
    );
    await developer.answered();
    expect(screen.getByTestId('suppression-by')).toHaveTextContent(
      `Suppressed by user:default/sam on ${at(suppression.createdAt)}`,
    );
    expect(
      screen.queryByRole('button', { name: 'Lift suppression' }),
    ).toBeNull();
    (await developer.rendered).unmount();

    // An analyst reads who made it from the suppression, and may not lift it either.
    server.use(
      http.get('*/api/mcpeeker/suppressions', () =>
        HttpResponse.json({ items: [suppression] }),
      ),
    );
    const analyst = renderAs(
      ANALYST,
      <SuppressionBanner finding={suppressed} onLifted={() => {}} />,
    );
    await analyst.answered();
    expect(
      await screen.findByText(/^Suppressed by user:default\/sam on/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Lift suppression' }),
    ).toBeNull();
  });
});

describe('TimelineCard', () => {
  const timeline: FindingTimeline = {
    items: [
      {
        at: '2026-11-20T10:00:00.000Z',
        kind: 'first-seen',
        summary: "First seen on the endpoint (the agent's report, 1 event)",
        layer: 'endpoint',
      },
      {
        at: '2026-11-21T10:00:00.000Z',
        kind: 'score',
        summary: 'Scored 9 (unauthorized): endpoint +6: …; network +3: …',
        score: 9,
        classification: 'unauthorized',
      },
      {
        at: '2026-11-22T10:00:00.000Z',
        kind: 'triage',
        summary: 'user:default/sam set the status to investigating',
        actor: 'user:default/sam',
      },
    ],
    detectionsLeftOut: 7,
  };

  it('lists each moment with its time, kind, summary and actor, newest first or oldest first, and what it left out', async () => {
    await renderUnstyled(<TimelineCard timeline={timeline} />);
    expect(screen.getByText('Newest first')).toBeInTheDocument();
    expect(
      screen.getByText(
        '7 earlier detections left out: only the most recent detection windows are listed.',
      ),
    ).toBeInTheDocument();
    const entries = () =>
      within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole(
        'listitem',
      );
    expect(entries().map(e => e.textContent)).toEqual([
      `${at(
        timeline.items[2].at,
      )} · user:default/samuser:default/sam set the status to investigating.`,
      `${at(
        timeline.items[1].at,
      )}Scored 9 (unauthorized): endpoint +6: …; network +3: ….`,
      `${at(
        timeline.items[0].at,
      )}First seen on the endpoint (the agent's report, 1 event).`,
    ]);
    expect(
      entries().map(e => within(e).getByRole('img').getAttribute('aria-label')),
    ).toEqual(['Triage', 'Score', 'First seen']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Show oldest first' }),
    );
    expect(screen.getByText('Oldest first')).toBeInTheDocument();
    expect(
      entries().map(e => within(e).getByRole('img').getAttribute('aria-label')),
    ).toEqual(['First seen', 'Score', 'Triage']);
  });
});

describe('TimelineCard sentences', () => {
  it('ends each moment with exactly one full stop, whatever its words ended with', async () => {
    const said = [
      'user:default/sam marked it a true positive: "Rotate the key"',
      'user:default/sam marked it a false positive: "A test fixture."',
      "Registry entry 'github' approved by user:default/pat: For the release.",
      'Suppression of github expired..',
      'Seen again on the endpoint (2 events until 2026-11-22T10:00:00.000Z) ',
    ];
    await renderUnstyled(
      <TimelineCard
        timeline={{
          items: said.map((summary, i) => ({
            at: `2026-11-2${i}T10:00:00.000Z`,
            kind: 'registry',
            summary,
            ...(summary.includes('until')
              ? { times: ['2026-11-22T10:00:00.000Z'] }
              : {}),
          })),
          detectionsLeftOut: 0,
        }}
      />,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Show oldest first' }),
    );
    const lines = within(screen.getByRole('list', { name: 'Timeline' }))
      .getAllByRole('listitem')
      .map(e => e.querySelector('p:last-child')?.textContent);
    expect(lines).toEqual([
      'user:default/sam marked it a true positive: "Rotate the key".',
      // A note's own full stop stays inside its quote, and ends the sentence.
      'user:default/sam marked it a false positive: "A test fixture."',
      "Registry entry 'github' approved by user:default/pat: For the release.",
      'Suppression of github expired.',
      // Every time on the timeline reads in the reader's time.
      `Seen again on the endpoint (2 events until ${at(
        '2026-11-22T10:00:00.000Z',
      )}).`,
    ]);
    expect(
      screen.getByText(at('2026-11-22T10:00:00.000Z'), { selector: 'p time' }),
    ).toHaveAttribute('dateTime', '2026-11-22T10:00:00.000Z');
  });
});

/** Where the page is, for the test to read. */
function Where() {
  const { search } = useLocation();
  return <output aria-label="Location">{search}</output>;
}

describe('FindingsTable triage', () => {
  it('filters by status, assignee, verdict and suppression through the URL, shows triage in each row, and exports what it filters', async () => {
    const queries: Array<Record<string, string>> = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        params.delete('limit');
        queries.push(Object.fromEntries(params));
        return HttpResponse.json({
          items: [
            {
              ...finding,
              triage: {
                status: 'investigating',
                assignee: 'user:default/sam',
                verdict: 'false-positive',
                suppression: {
                  id: 's1',
                  scope: 'finding',
                  label: `github (${finding.compositeId})`,
                  reason: 'a lab machine',
                },
              },
            },
          ],
          totalCount: 1,
        });
      }),
    );
    const exports: Array<Record<string, string>> = [];
    server.use(
      http.get('*/api/mcpeeker/findings/export', ({ request }) => {
        exports.push(Object.fromEntries(new URL(request.url).searchParams));
        return new HttpResponse('{"format":"x"}', {
          headers: {
            'content-type': 'application/sarif+json',
            'content-disposition':
              'attachment; filename="mcpeeker-findings-2026-12-03.sarif"',
          },
        });
      }),
    );
    renderAs(
      ANALYST,
      <>
        <FindingsTable />
        <Where />
      </>,
      {
        path: '/?status=open,investigating&assignee=me&verdict=none&suppressed=include',
      },
    );
    const row = await screen.findByRole('row', { name: /github/ });
    // "Me" is whoever opens the link: the backend is asked for their ref.
    expect(queries.at(-1)).toEqual({
      status: 'open,investigating',
      assignee: 'user:default/sam',
      verdict: 'none',
      suppressed: 'include',
      sort: 'score',
    });
    expect(screen.getByLabelText('Status')).toHaveTextContent('Not resolved');
    expect(screen.getByLabelText('Assignee')).toHaveTextContent('Me');
    expect(screen.getByLabelText('Verdict')).toHaveTextContent('No feedback');
    expect(
      screen.getByRole('checkbox', { name: 'Show suppressed' }),
    ).toBeChecked();
    expect(
      within(row).getByTitle(
        `Only the finding github (${finding.compositeId}): a lab machine`,
      ),
    ).toHaveTextContent('Suppressed');
    expect(
      within(row).getByText('Investigating · False positive'),
    ).toBeInTheDocument();
    expect(within(row).getByText('user:default/sam')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Verdict'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'False positive' }),
    );
    await waitFor(() => expect(queries.at(-1)?.verdict).toBe('false-positive'));
    await userEvent.click(screen.getByLabelText('Assignee'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Someone else…' }),
    );
    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Assigned to' }),
      'pat{Enter}',
    );
    await waitFor(() =>
      expect(queries.at(-1)?.assignee).toBe('user:default/pat'),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Show suppressed' }),
    );
    await waitFor(() =>
      expect(queries.at(-1)).not.toHaveProperty('suppressed'),
    );
    expect(
      new URLSearchParams(
        screen.getByLabelText('Location').textContent!,
      ).toString(),
    ).toBe(
      new URLSearchParams({
        status: 'open,investigating',
        assignee: 'user:default/pat',
        verdict: 'false-positive',
      }).toString(),
    );

    // The export: every finding these filters select, saved under the backend's name.
    const saved: string[] = [];
    const createObjectURL = jest.fn(() => 'blob:export');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function saveLink(this: HTMLAnchorElement) {
        saved.push(`${this.download} ${this.href}`);
      });
    try {
      await userEvent.click(screen.getByRole('button', { name: 'Export' }));
      await userEvent.click(
        await screen.findByRole('menuitem', { name: /^SARIF/ }),
      );
      await waitFor(() =>
        expect(saved).toEqual([
          'mcpeeker-findings-2026-12-03.sarif blob:export',
        ]),
      );
    } finally {
      click.mockRestore();
    }
    expect(exports).toEqual([
      {
        format: 'sarif',
        status: 'open,investigating',
        assignee: 'user:default/pat',
        verdict: 'false-positive',
      },
    ]);
  });
});

describe('FindingsTable by suppression', () => {
  it('lists the findings one suppression hides, names it, and lets the filter go', async () => {
    const id = '0b6f3a56-1c1e-4f7a-9a51-6a1f2c3d4e5f';
    const queries: Array<Record<string, string>> = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        params.delete('limit');
        queries.push(Object.fromEntries(params));
        return HttpResponse.json({
          items: [
            {
              ...finding,
              triage: {
                status: 'open',
                suppression: {
                  id,
                  scope: 'command',
                  label: 'the stdio command of github (sha256 cccccccccccc)',
                  reason: 'the CI probe',
                },
              },
            },
          ],
          totalCount: 1,
        });
      }),
    );
    renderAs(
      ANALYST,
      <>
        <FindingsTable />
        <Where />
      </>,
      { path: `/?suppressed=only&suppression=${id}` },
    );
    await screen.findByRole('row', { name: /github/ });
    expect(queries.at(-1)).toEqual({
      suppressed: 'only',
      suppression: id,
      sort: 'score',
    });
    const chip = await screen.findByRole('button', {
      name: 'Hidden by the stdio command of github (sha256 cccccccccccc): remove this filter',
    });
    await userEvent.click(chip);
    await waitFor(() =>
      expect(queries.at(-1)).toEqual({ suppressed: 'only', sort: 'score' }),
    );
    expect(screen.getByLabelText('Location')).toHaveTextContent(
      '?suppressed=only',
    );
  });
});

describe('SuppressionsPage', () => {
  const TEAM_ID = '0b6f3a56-1c1e-4f7a-9a51-6a1f2c3d4e5f';
  const COMMAND_ID = '7d2e9b14-5a3c-4b8e-8f60-2c4d6e8fa0b1';
  const teamSuppression: Suppression = {
    id: TEAM_ID,
    scope: 'server-on-team',
    serverName: 'github',
    team: 'group:default/platform',
    label: 'github on group:default/platform',
    reason: 'the platform team builds it',
    createdBy: 'user:default/sam',
    createdAt: inDays(-5),
    active: true,
  };
  const commandSuppression: Suppression = {
    id: COMMAND_ID,
    scope: 'command',
    commandSignatureHash: 'c'.repeat(64),
    label: 'the stdio command of linear (sha256 cccccccccccc)',
    reason: 'the CI probe',
    expiresAt: inDays(30),
    createdBy: 'user:default/pat',
    createdAt: inDays(-1),
    active: true,
  };
  const lifted: Suppression = {
    ...teamSuppression,
    active: false,
    revokedAt: inDays(0),
    revokedBy: 'user:default/pat',
    revokeReason: 'the team left',
  };

  it('lists every suppression in words with how many findings it hides; an admin lifts one after a confirmation', async () => {
    let liftedYet = false;
    const lists: string[] = [];
    const counted: Array<Record<string, string>> = [];
    server.use(
      http.get('*/api/mcpeeker/suppressions', ({ request }) => {
        const active = new URL(request.url).searchParams.get('active');
        lists.push(active ?? 'all');
        if (active === 'false')
          return HttpResponse.json({ items: liftedYet ? [lifted] : [] });
        return HttpResponse.json({
          items: liftedYet
            ? [commandSuppression]
            : [commandSuppression, teamSuppression],
        });
      }),
      // Each count is the backend's for exactly that suppression's findings.
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        counted.push(Object.fromEntries(params));
        const total = { [TEAM_ID]: 250, [COMMAND_ID]: 1 }[
          params.get('suppression') ?? ''
        ];
        return HttpResponse.json({
          items: [{ ...finding, triage: { status: 'open' } }],
          totalCount: total ?? 0,
        });
      }),
    );
    const deletes = record('delete', '/suppressions/:id', () => {
      liftedYet = true;
      return HttpResponse.json(lifted);
    });
    renderAs(
      ADMIN,
      <>
        <SuppressionsPage />
        <Where />
      </>,
    );
    await screen.findByText('2 suppressions');
    const [command, team] = bodyRows();
    expect(team).toHaveTextContent('Server on a team');
    expect(team).toHaveTextContent(
      'github on group:default/platform: that server name wherever every owner belongs to the team',
    );
    expect(team).toHaveTextContent('the platform team builds it');
    expect(team).toHaveTextContent(
      `user:default/sam${dayThenTime(teamSuppression.createdAt)}`,
    );
    // Whole on hover.
    expect(
      within(team).getAllByTitle(at(teamSuppression.createdAt)),
    ).not.toHaveLength(0);
    expect(team).toHaveTextContent('never: until lifted');
    // Exact beyond one page of findings, and a link to exactly those.
    expect(
      await within(team).findByRole('link', { name: '250 findings' }),
    ).toHaveAttribute(
      'href',
      `/mcpeeker/findings?suppressed=only&suppression=${TEAM_ID}`,
    );
    expect(command).toHaveTextContent(
      'The stdio command of linear (sha256 cccccccccccc), on any host',
    );
    expect(command).toHaveTextContent(
      dayThenTime(commandSuppression.expiresAt!),
    );
    expect(
      within(command).getByRole('link', { name: '1 finding' }),
    ).toHaveAttribute(
      'href',
      `/mcpeeker/findings?suppressed=only&suppression=${COMMAND_ID}`,
    );
    expect(counted).toEqual(
      expect.arrayContaining(
        [COMMAND_ID, TEAM_ID].map(suppression => ({
          suppressed: 'only',
          suppression,
          limit: '1',
        })),
      ),
    );

    await userEvent.click(
      within(team).getByRole('button', {
        name: 'Lift the suppression of github on group:default/platform',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Lift the suppression?',
    });
    expect(dialog).toHaveTextContent(
      'github on group:default/platform: that server name wherever every owner belongs to the team.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Lift suppression' }),
    );
    expect(
      await screen.findByText('Lifted: github on group:default/platform'),
    ).toHaveAttribute('role', 'status');
    expect(deletes).toEqual([{}]);
    await screen.findByText('1 suppression');

    // Lifted ones: who lifted it, when and why; the choice in the URL.
    await userEvent.click(screen.getByLabelText('Show'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Lifted' }),
    );
    await waitFor(() =>
      expect(bodyRows().map(r => r.textContent?.includes('Lifted by'))).toEqual(
        [true],
      ),
    );
    expect(bodyRows()[0]).toHaveTextContent(
      `Lifted by user:default/pat on ${at(lifted.revokedAt!)}: the team left`,
    );
    expect(bodyRows()[0]).toHaveTextContent('nothing now');
    expect(screen.getByLabelText('Location')).toHaveTextContent('?show=lifted');
    expect(lists.at(-1)).toBe('false');
  });
});

describe('The finding page', () => {
  it('puts triage together: a pending registration, the suppressed banner lifted, triage, feedback and timeline; the tabs for an admin', async () => {
    let suppressed = true;
    const detail = () => ({
      ...finding,
      evidence: { endpoint: [], network: [], gateway: [] },
      detections: [],
      triage: suppressed
        ? {
            status: 'open',
            suppression: {
              id: 's1',
              scope: 'finding',
              label: `github (${finding.compositeId})`,
              reason: 'a lab machine',
            },
          }
        : { status: 'open' },
    });
    server.use(
      http.get('*/api/mcpeeker/findings/:id', () =>
        HttpResponse.json(detail()),
      ),
      http.get('*/api/mcpeeker/registry', ({ request }) => {
        const params = new URL(request.url).searchParams;
        // As the backend answers: the finding's own entry, and no entry that
        // registered its server before it changed (changed=true). Served as
        // that too, the page named it so whenever that answer came first.
        return HttpResponse.json(
          params.get('finding') === finding.compositeId &&
            !params.has('changed')
            ? {
                items: [
                  {
                    id: 'e1',
                    name: 'github',
                    owner: 'user:default/dana',
                    team: 'group:default/team-a',
                    purpose: 'Triages GitHub issues',
                    identity: { compositeId: finding.compositeId },
                    transport: 'stdio',
                    expiresAt: inDays(90),
                    status: 'pending',
                    createdBy: 'user:default/dana',
                    createdAt: inDays(-1),
                    updatedAt: inDays(-1),
                  },
                ],
                totalCount: 1,
              }
            : { items: [], totalCount: 2 },
        );
      }),
      http.get('*/api/mcpeeker/findings/:id/timeline', () =>
        HttpResponse.json({
          items: [
            {
              at: finding.firstSeen,
              kind: 'first-seen',
              summary: 'First seen on the endpoint',
            },
          ],
          detectionsLeftOut: 0,
        }),
      ),
      http.delete('*/api/mcpeeker/suppressions/:id', () => {
        suppressed = false;
        return HttpResponse.json({});
      }),
    );
    renderMcpeekerPage(`/mcpeeker/findings/${finding.compositeId}`, {
      allow: true,
      apis: [sam],
    });
    expect(
      await screen.findByRole('region', { name: 'Suppressed' }),
    ).toBeInTheDocument();
    // Pending approval, not unregistered: the entry's page, no second registration.
    const registry = await screen.findByTestId('finding-registry');
    expect(registry).toHaveTextContent(
      'pending approval — registry entry github',
    );
    expect(
      within(registry).getByRole('link', { name: 'registry entry github' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
    expect(
      screen.queryByRole('button', { name: 'Register this server' }),
    ).toBeNull();
    // Each card reads its own part (the timeline, the permission, the
    // feedback so far) beside the registry lookup: each waited for.
    expect(
      await screen.findByText('First seen on the endpoint.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Assign to me' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('form', { name: 'Feedback' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('tab', { name: 'Approvals (2)' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Suppressions' }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Lift suppression' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Lift suppression',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: 'Suppressed' })).toBeNull(),
    );
  });
});
