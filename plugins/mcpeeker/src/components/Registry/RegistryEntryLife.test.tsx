import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { readerInTimeZone } from '../../__testUtils__/readerTimeZone';
import { renderMcpeekerPage } from '../../__testUtils__/renderPage';
import {
  demoIdentity as dana,
  endpointEvidence,
  finding,
  findingDetail,
  inDays,
  registryEntry as entry,
} from '../../__testUtils__/fixtures';

// Registering a remote server from its finding, an admin registering for
// someone else, when Renew is offered, an entry past its date, and what the
// Registry says after a withdrawal: through the MCPeeker page's routes.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);
const FLOW_TIMEOUT = 60_000;

/** Pat, an admin. */
const pat = mockApis.identity({
  userEntityRef: 'user:default/pat',
  ownershipEntityRefs: ['user:default/pat', 'group:default/platform-admins'],
});

/** A catalog in which each user belongs to the groups given. */
const catalog = (memberOf: Record<string, string[]>) =>
  [
    catalogApiRef,
    {
      getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
        items: entityRefs.map(ref =>
          memberOf[ref]
            ? {
                kind: 'User',
                relations: memberOf[ref].map(targetRef => ({
                  type: 'memberOf',
                  targetRef,
                })),
              }
            : undefined,
        ),
      }),
    },
  ] as const;

/** The finding of a remote server a Cursor config declares over SSE. */
const remoteFinding = {
  ...findingDetail,
  evidence: {
    ...findingDetail.evidence,
    endpoint: [
      {
        ...endpointEvidence,
        detection: {
          source: 'config' as const,
          client: 'cursor',
          serverName: 'github',
          configPath: '/home/dana/.cursor/mcp.json',
          scope: 'user' as const,
          transport: 'sse' as const,
          url: 'https://mcp.example.com/sse',
        },
      },
    ],
  },
};

/** Serves the finding and takes registrations. */
function serveRegistration() {
  const posted: any[] = [];
  server.use(
    http.get('*/api/mcpeeker/findings/:id', () =>
      HttpResponse.json(remoteFinding),
    ),
    http.post('*/api/mcpeeker/registry', async ({ request }) => {
      posted.push(await request.json());
      return HttpResponse.json(entry(), { status: 201 });
    }),
    http.get('*/api/mcpeeker/registry', () =>
      HttpResponse.json({ items: [], totalCount: 0 }),
    ),
  );
  return posted;
}

/** Serves one entry's page. */
function serveEntry(current: ReturnType<typeof entry>) {
  server.use(
    http.get('*/api/mcpeeker/registry/:id', () => HttpResponse.json(current)),
    http.post('*/api/mcpeeker/registry/:id/verify', () =>
      HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
    ),
    http.get('*/api/mcpeeker/audit', () => HttpResponse.json({ items: [] })),
  );
}

describe('Registering from a remote server’s finding', () => {
  it(
    'fills in its transport and URL, and lets an admin name the owner (themselves unless changed), the team then being the owner’s',
    async () => {
      const posted = serveRegistration();
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        {
          apis: [
            pat,
            catalog({ 'user:default/dana': ['group:default/team-a'] }),
          ],
          allow: true,
        },
      );
      const url = await screen.findByRole(
        'textbox',
        { name: /Remote URL/ },
        { timeout: 30_000 },
      );
      expect(url).toHaveValue('https://mcp.example.com/sse');
      expect(
        screen.getByRole('button', { name: /Transport/ }),
      ).toHaveTextContent('SSE');
      const owner = await screen.findByRole('textbox', { name: /Owner/ });
      expect(owner).toHaveValue('user:default/pat');
      const team = screen.getByRole('textbox', { name: /Team/ });
      expect(team).toHaveValue('group:default/platform-admins');

      await userEvent.clear(owner);
      await userEvent.click(owner);
      await userEvent.paste('user:default/dana');
      // Not the admin's team any more: emptied, and asked for.
      expect(team).toHaveValue('');
      expect(
        screen.getByText(/The group of user:default\/dana that answers for it/),
      ).toBeInTheDocument();
      // Leaving the Owner field looks Dana up: her one team fills it.
      await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
      await waitFor(() => expect(team).toHaveValue('group:default/team-a'));
      await userEvent.paste('Reads issues for the triage rota');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      await waitFor(() => expect(posted).toHaveLength(1));
      expect(posted[0]).toMatchObject({
        owner: 'user:default/dana',
        team: 'group:default/team-a',
        transport: 'sse',
        identity: {
          compositeId: finding.compositeId,
          remoteUrl: 'https://mcp.example.com/sse',
        },
      });
    },
    FLOW_TIMEOUT,
  );

  it(
    'asks an admin registering for someone in several teams (or none the catalog knows) which team, and registers nothing without one',
    async () => {
      const posted = serveRegistration();
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        {
          apis: [
            pat,
            catalog({
              'user:default/dana': [
                'group:default/team-b',
                'group:default/team-a',
              ],
            }),
          ],
          allow: true,
        },
      );
      const owner = await screen.findByRole(
        'textbox',
        { name: /Owner/ },
        { timeout: 30_000 },
      );
      const team = screen.getByRole('textbox', { name: /Team/ });
      await userEvent.clear(owner);
      await userEvent.click(owner);
      await userEvent.paste('user:default/ghost');
      await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
      await userEvent.paste('Reads issues for the triage rota');
      expect(team).toHaveValue('');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      expect(await screen.findByText(/^Team /)).toBeInTheDocument();
      expect(posted).toHaveLength(0);

      // Dana is in two teams: both offered, none taken for her.
      await userEvent.clear(owner);
      await userEvent.click(owner);
      await userEvent.paste('user:default/dana');
      await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
      await userEvent.click(
        await screen.findByRole('button', { name: 'group:default/team-b' }),
      );
      expect(
        screen.getByText('user:default/dana belongs to:'),
      ).toBeInTheDocument();
      expect(team).toHaveValue('group:default/team-b');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      await waitFor(() => expect(posted).toHaveLength(1));
      expect(posted[0]).toMatchObject({
        owner: 'user:default/dana',
        team: 'group:default/team-b',
      });
    },
    FLOW_TIMEOUT,
  );

  it(
    'gives a developer no Owner field: the server is theirs',
    async () => {
      const posted = serveRegistration();
      renderMcpeekerPage(
        `/mcpeeker/registry/new?finding=${finding.compositeId}`,
        { apis: [dana] },
      );
      await screen.findByRole(
        'textbox',
        { name: /Remote URL/ },
        { timeout: 30_000 },
      );
      expect(screen.queryByRole('textbox', { name: /Owner/ })).toBeNull();
      await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
      await userEvent.paste('Reads issues for the triage rota');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      await waitFor(() => expect(posted).toHaveLength(1));
      expect(posted[0].owner).toBeUndefined();
    },
    FLOW_TIMEOUT,
  );
});

describe('An entry’s expiry', () => {
  it(
    'offers its owner Edit, not Renew, while the date is far off',
    async () => {
      serveEntry(entry({ status: 'approved', expiresAt: inDays(90) }));
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [dana] });
      await screen.findByRole(
        'button',
        { name: 'Edit github' },
        { timeout: 30_000 },
      );
      expect(screen.queryByRole('button', { name: 'Renew github' })).toBeNull();
    },
    FLOW_TIMEOUT,
  );

  it(
    'offers Renew within the 14 days before it expires, beside Edit',
    async () => {
      serveEntry(entry({ status: 'approved', expiresAt: inDays(10) }));
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [dana] });
      const renew = await screen.findByRole(
        'button',
        { name: 'Renew github' },
        { timeout: 30_000 },
      );
      expect(
        screen.getByRole('button', { name: 'Edit github' }),
      ).toBeInTheDocument();
      await userEvent.click(renew);
      const dialog = await screen.findByRole('dialog', {
        name: 'Renew github',
      });
      expect(
        within(dialog).getByText(/It expires within 14 days/),
      ).toBeInTheDocument();
    },
    FLOW_TIMEOUT,
  );

  describe('read east of UTC', () => {
    // Auckland, 13 hours ahead of UTC in November: the end of a day in UTC
    // is the next day's noon there.
    readerInTimeZone('Pacific/Auckland');

    it(
      'says it was renewed until the date chosen, not the day after',
      async () => {
        const current = entry({ status: 'approved', expiresAt: inDays(10) });
        serveEntry(current);
        const sent: Array<{ expiresAt: string }> = [];
        server.use(
          http.patch('*/api/mcpeeker/registry/:id', async ({ request }) => {
            const body = (await request.json()) as { expiresAt: string };
            sent.push(body);
            return HttpResponse.json({ ...current, ...body });
          }),
        );
        renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [dana] });
        await userEvent.click(
          await screen.findByRole(
            'button',
            { name: 'Renew github' },
            { timeout: 30_000 },
          ),
        );
        const dialog = await screen.findByRole('dialog', {
          name: 'Renew github',
        });
        const chosen = (
          within(dialog).getByLabelText('Expires') as HTMLInputElement
        ).value;
        await userEvent.click(
          within(dialog).getByRole('button', { name: 'Renew' }),
        );
        expect(await screen.findByRole('status')).toHaveTextContent(
          `github renewed until ${new Date(
            `${chosen}T12:00:00Z`,
          ).toLocaleDateString(undefined, { timeZone: 'UTC' })}`,
        );
        expect(sent).toEqual([{ expiresAt: `${chosen}T23:59:59Z` }]);
      },
      FLOW_TIMEOUT,
    );
  });

  it(
    'shows an approved entry past its date as expired, to be renewed, before the expiry job marks it',
    async () => {
      serveEntry(entry({ status: 'approved', expiresAt: inDays(-1) }));
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [dana] });
      await screen.findByRole(
        'button',
        { name: 'Renew github' },
        { timeout: 30_000 },
      );
      expect(screen.getByText('expired')).toBeInTheDocument();
      expect(screen.queryByText('approved')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Edit github' })).toBeNull();
    },
    FLOW_TIMEOUT,
  );
});

describe('Withdrawing a registration', () => {
  it(
    'says on the Registry that it was withdrawn, as it says a registration was made',
    async () => {
      let gone = false;
      server.use(
        http.get('*/api/mcpeeker/registry/:id', () =>
          gone
            ? HttpResponse.json(
                { error: { name: 'NotFoundError', message: 'No entry' } },
                { status: 404 },
              )
            : HttpResponse.json(entry()),
        ),
        http.post('*/api/mcpeeker/registry/:id/verify', () =>
          HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
        ),
        http.post('*/api/mcpeeker/registry/:id/withdraw', () => {
          gone = true;
          return new HttpResponse(null, { status: 204 });
        }),
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [], totalCount: 0 }),
        ),
      );
      renderMcpeekerPage('/mcpeeker/registry/e1', { apis: [dana] });
      await userEvent.click(
        await screen.findByRole(
          'button',
          { name: 'Withdraw github' },
          { timeout: 30_000 },
        ),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Withdraw github?',
      });
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Withdraw' }),
      );
      const said = await screen.findByRole('status');
      expect(said).toHaveTextContent(
        /^Withdrew github: your registration is taken back/,
      );
      expect(
        await screen.findByText('No registry entries'),
      ).toBeInTheDocument();
      await userEvent.click(
        within(said).getByRole('button', { name: 'Dismiss' }),
      );
      expect(screen.queryByText(/^Withdrew github/)).toBeNull();
    },
    FLOW_TIMEOUT,
  );
});

describe('Registering a remote server by hand', () => {
  it(
    'refuses stdio with only a Remote URL, at the Transport field, and registers it once it is Streamable HTTP',
    async () => {
      const posted = serveRegistration();
      renderMcpeekerPage('/mcpeeker/registry/new', {
        apis: [
          dana,
          catalog({ 'user:default/dana': ['group:default/team-a'] }),
        ],
      });
      const url = await screen.findByRole(
        'textbox',
        { name: /Remote URL/ },
        { timeout: 30_000 },
      );
      await userEvent.click(screen.getByRole('textbox', { name: /^Name/ }));
      await userEvent.paste('notion');
      const team = screen.getByRole('textbox', { name: /Team/ });
      await userEvent.clear(team);
      await userEvent.click(team);
      await userEvent.paste('group:default/team-a');
      await userEvent.click(screen.getByRole('textbox', { name: /Purpose/ }));
      await userEvent.paste('Reads our pages for the docs team');
      await userEvent.click(url);
      await userEvent.paste('https://mcp.notion.com/mcp');
      expect(
        screen.getByRole('button', { name: /Transport/ }),
      ).toHaveTextContent('stdio');
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      await waitFor(() =>
        expect(
          document.getElementById('register-transport-helper-text'),
        ).toHaveTextContent(
          'Transport stdio runs a command on the host: give its package, or choose Streamable HTTP or SSE for a server at a remote URL',
        ),
      );
      expect(posted).toHaveLength(0);

      await userEvent.click(screen.getByRole('button', { name: /Transport/ }));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Streamable HTTP' }),
      );
      await userEvent.click(screen.getByRole('button', { name: 'Register' }));
      await waitFor(() => expect(posted).toHaveLength(1));
      expect(posted[0]).toMatchObject({
        transport: 'http',
        identity: { remoteUrl: 'https://mcp.notion.com/mcp' },
      });
    },
    FLOW_TIMEOUT,
  );
});
