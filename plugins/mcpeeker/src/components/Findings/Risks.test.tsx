import { ReactElement } from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type {
  AcceptedRisk,
  Finding,
  FindingDetail as FindingDetailType,
  RegistryEntry,
  RiskFact,
} from '@mcpeeker/plugin-mcpeeker-common';
import { useLocation } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import {
  finding,
  findingDetail,
  registryEntry,
} from '../../__testUtils__/fixtures';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { bodyRows } from '../../__testUtils__/tableRows';
import { EntryPage } from '../Registry/EntryPage';
import { FindingDetail } from './FindingDetail';
import { FindingsTable } from './FindingsTable';
import { RisksCard } from './RisksCard';

// What a developer reads to fix their server, and what an admin does about a
// risk that is acceptable on an approved server: each risk the agent found,
// where, what to change; accepting one with a reason (and withdrawing it);
// the entry's accepted risks; the Findings list's risk filter and column.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);
const FLOW_TIMEOUT = 60_000;
const WAIT = { timeout: 30_000 };

const ADMIN = [
  'mcpeeker.finding.read',
  'mcpeeker.registry.read',
  'mcpeeker.registry.approve',
  'mcpeeker.triage.update',
];
const DEVELOPER: string[] = [];

const pat = mockApis.identity({
  userEntityRef: 'user:default/pat',
  ownershipEntityRefs: ['user:default/pat', 'group:default/platform-admins'],
});

/**
 * Renders `element` for someone allowed exactly `allowed`, with its own
 * permission cache. `answered` resolves once a permission was asked: a
 * control that is absent then is absent for good.
 */
function renderAs(
  allowed: string[],
  element: ReactElement,
  options: { path?: string; mountPath?: `/${string}` } = {},
) {
  const authorize = jest.fn(
    async (request: { permission: { name: string } }) => ({
      result: allowed.includes(request.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }),
  );
  renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        [permissionApiRef, { authorize, authorizeConditional: authorize }],
        pat,
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      ...(options.mountPath ? { mountPath: options.mountPath } : {}),
      ...(options.path ? { initialRouteEntries: [options.path] } : {}),
    },
  );
  return {
    answered: async () => {
      await waitFor(() => expect(authorize).toHaveBeenCalled());
      await act(async () => {});
    },
  };
}

/** A refusal as Backstage's error middleware sends it. */
const refusal = (status: number, name: string, message: string) =>
  HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );

const secret: RiskFact = {
  kind: 'inline-secret',
  severity: 'high',
  title: 'Secret written in the config',
  evidence: 'env GITHUB_TOKEN holds a GitHub token',
  fix: 'Set GITHUB_TOKEN in the environment and refer to it as ${GITHUB_TOKEN}, then rotate the GitHub token.',
  location: {
    file: '/home/dana/.cursor/mcp.json',
    jsonPath: '$.mcpServers.github.env.GITHUB_TOKEN',
    line: 7,
    column: 9,
  },
};
const unpinned: RiskFact = {
  kind: 'unpinned-package',
  severity: 'medium',
  title: 'Unpinned package',
  evidence:
    'npx -y @modelcontextprotocol/server-github runs whatever version is latest',
  fix: 'Pin an exact version: @modelcontextprotocol/server-github@1.2.3.',
};

const withRisks = (risks?: RiskFact[]): Finding => ({
  ...finding,
  signals: { ...finding.signals, risks },
});

const accepted: AcceptedRisk = {
  kind: 'inline-secret',
  reason: 'a read-only token of the demo organisation, rotated weekly',
  by: 'user:default/pat',
  at: '2026-11-22T09:00:00.000Z',
};
const acceptedWords = `Accepted by user:default/pat on ${new Date(
  accepted.at,
).toLocaleString()}: ${accepted.reason}`;

const approvedEntry = (overrides: Partial<RegistryEntry> = {}) =>
  registryEntry({
    status: 'approved',
    decidedBy: 'user:default/pat',
    decidedAt: '2026-11-21T12:00:00.000Z',
    ...overrides,
  });

/**
 * The finding approved by entry e1, with its two risks, as the backend
 * scores it: the inline secret counts 3, or 0 once accepted.
 */
function approvedRisky(acceptance?: AcceptedRisk): FindingDetailType {
  const score = acceptance ? 2 : 4;
  return {
    ...findingDetail,
    registryStatus: 'approved',
    registryOwner: 'user:default/dana',
    score,
    classification: 'authorized',
    signals: { ...finding.signals, risks: [secret, unpinned] },
    breakdown: {
      score,
      classification: 'authorized',
      contributions: [
        {
          layer: 'endpoint',
          points: 6,
          reason: 'the endpoint agent saw it (config ×1)',
        },
        {
          layer: 'registry',
          points: -6,
          reason: "matches the approved registry entry 'github'",
        },
        acceptance
          ? {
              layer: 'risk',
              points: 0,
              reason: `inline secret, accepted by ${acceptance.by}: ${acceptance.reason}`,
              riskKind: 'inline-secret',
              acceptedRisk: acceptance,
            }
          : {
              layer: 'risk',
              points: 3,
              reason: 'inline secret (+3)',
              riskKind: 'inline-secret',
            },
        {
          layer: 'risk',
          points: acceptance ? 2 : 1,
          reason: 'unpinned package: npx -y runs whatever version is latest',
          riskKind: 'unpinned-package',
        },
      ],
      rules: [],
      tags: [],
      riskLevel: acceptance ? 'medium' : 'high',
    },
  };
}

describe('RisksCard', () => {
  it('lists each risk with its severity, evidence, place and fix, most severe first as stored', async () => {
    renderAs(DEVELOPER, <RisksCard finding={withRisks([secret, unpinned])} />);
    expect(
      await screen.findByText(
        "2 risks found in the server's configuration or on its port",
        undefined,
        WAIT,
      ),
    ).toBeInTheDocument();
    const sections = screen.getAllByRole('region', { name: / risk: / });
    expect(sections.map(s => s.getAttribute('aria-label'))).toEqual([
      'high risk: Secret written in the config',
      'medium risk: Unpinned package',
    ]);
    const first = within(sections[0]);
    expect(
      first.getByText('env GITHUB_TOKEN holds a GitHub token'),
    ).toBeInTheDocument();
    expect(
      first.getByText(
        '/home/dana/.cursor/mcp.json:7:9 ($.mcpServers.github.env.GITHUB_TOKEN)',
      ),
    ).toBeInTheDocument();
    expect(sections[0]).toHaveTextContent(`Fix: ${secret.fix}`);
    // A port probe's fact has no file: no place line.
    expect(sections[1]).toHaveTextContent(`Fix: ${unpinned.fix}`);
    expect(
      sections[1].querySelectorAll('p.MuiTypography-caption'),
    ).toHaveLength(0);
  });

  it('advises registering an unknown publisher until the server is registered, then says it awaits approval, then no longer advises it', async () => {
    const unknown: RiskFact = {
      kind: 'unknown-publisher',
      severity: 'low',
      title: 'Not in the MCP registry',
      evidence:
        'the npm package @acme/fs-mcp is not in the MCP registry snapshot of 2026-11-01',
      fix: "Check who publishes @acme/fs-mcp (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry, or declare 'filesystem' in MCPeeker's registry with its purpose and owner.",
    };
    const { answered } = renderAs(
      DEVELOPER,
      <>
        <div data-testid="unregistered">
          <RisksCard finding={withRisks([unknown])} />
        </div>
        <div data-testid="pending">
          <RisksCard
            finding={withRisks([unknown])}
            entry={registryEntry({ status: 'pending' })}
          />
        </div>
        <div data-testid="approved">
          <RisksCard
            finding={{ ...withRisks([unknown]), registryStatus: 'approved' }}
            entry={approvedEntry()}
          />
        </div>
        <div data-testid="approved, entry not readable">
          <RisksCard
            finding={{ ...withRisks([unknown]), registryStatus: 'approved' }}
          />
        </div>
      </>,
    );
    const unregistered = await screen.findByTestId('unregistered', {}, WAIT);
    await answered();
    const checkWho =
      'Check who publishes @acme/fs-mcp (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry';
    expect(unregistered).toHaveTextContent(`Fix: ${unknown.fix}`);
    expect(screen.getByTestId('pending')).toHaveTextContent(
      `Fix: ${checkWho}; its entry in MCPeeker's registry awaits an admin's approval.`,
    );
    for (const id of ['approved', 'approved, entry not readable']) {
      const card = screen.getByTestId(id);
      expect(card).toHaveTextContent(`Fix: ${checkWho}.`);
      expect(card).not.toHaveTextContent(/declare 'filesystem'/);
    }
  });

  it('shows nothing for a server without risks', async () => {
    const { answered } = renderAs(
      ADMIN,
      <RisksCard finding={withRisks(undefined)} onChanged={() => {}} />,
    );
    await answered();
    expect(screen.queryAllByRole('region', { name: / risk: / })).toEqual([]);
    expect(screen.queryByText(/Risks and how to fix them/)).toBeNull();
  });

  it('shows a developer an accepted risk (who, when, why; counts 0) without a way to change it', async () => {
    const { answered } = renderAs(
      DEVELOPER,
      <RisksCard
        finding={approvedRisky(accepted)}
        entry={approvedEntry({ acceptedRisks: [accepted] })}
        onChanged={() => {}}
      />,
    );
    const section = await screen.findByRole(
      'region',
      { name: 'high risk: Secret written in the config' },
      WAIT,
    );
    await answered();
    expect(section).toHaveTextContent(
      `Accepted, counts 0 in the score. ${acceptedWords}`,
    );
    // The other risk counts: nothing says it is accepted.
    expect(
      screen.getByRole('region', { name: 'medium risk: Unpinned package' }),
    ).not.toHaveTextContent('Accepted');
    expect(
      screen.queryByRole('button', { name: 'Accept this risk' }),
    ).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Withdraw acceptance' }),
    ).toBeNull();
  });

  it('tells an admin a risk is accepted only on an approved entry: the pending entry, or registering the server', async () => {
    const { answered } = renderAs(
      ADMIN,
      <>
        <div data-testid="unregistered">
          <RisksCard finding={withRisks([secret])} onChanged={() => {}} />
        </div>
        <div data-testid="pending">
          <RisksCard
            finding={withRisks([secret])}
            entry={registryEntry({ status: 'pending' })}
            onChanged={() => {}}
          />
        </div>
        <div data-testid="tools-changed">
          <RisksCard
            finding={{
              ...withRisks([secret]),
              registryStatus: 'tools-changed',
            }}
            entry={approvedEntry({ acceptedRisks: [accepted] })}
            onChanged={() => {}}
          />
        </div>
      </>,
    );
    const unregistered = await screen.findByTestId('unregistered', {}, WAIT);
    await answered();
    expect(unregistered).toHaveTextContent(
      'A risk can be accepted only on an approved registry entry, and this server is not in the registry: register it.',
    );
    expect(
      within(unregistered).getByRole('link', { name: 'register it' }),
    ).toHaveAttribute(
      'href',
      `/mcpeeker/registry/new?finding=${finding.compositeId}`,
    );
    const pending = screen.getByTestId('pending');
    expect(pending).toHaveTextContent(
      'A risk can be accepted only on an approved registry entry; registry entry github is pending approval.',
    );
    expect(
      within(pending).getByRole('link', { name: 'registry entry github' }),
    ).toHaveAttribute('href', '/mcpeeker/registry/e1');
    expect(screen.getByTestId('tools-changed')).toHaveTextContent(
      'Its tools changed since approval: risks accepted on registry entry github count again until an admin approves its tools again.',
    );
    expect(
      screen.queryByRole('button', { name: 'Accept this risk' }),
    ).toBeNull();
  });
});

describe('Accepting a risk on the finding page', () => {
  it(
    'lets an admin accept a risk with a reason (checked as the server checks it, its refusal at the field), then shows it accepted with the new score, and withdraws it after a confirmation',
    async () => {
      let acceptance: AcceptedRisk | undefined;
      const requests: Array<{ method: string; path: string; body?: any }> = [];
      server.use(
        http.get('*/api/mcpeeker/findings/:id', () =>
          HttpResponse.json(approvedRisky(acceptance)),
        ),
        http.get('*/api/mcpeeker/registry', () =>
          HttpResponse.json({ items: [approvedEntry()], totalCount: 1 }),
        ),
        http.post(
          '*/api/mcpeeker/registry/:id/accept-risk',
          async ({ request, params }) => {
            const body = (await request.json()) as any;
            requests.push({
              method: 'POST',
              path: `${params.id}/accept-risk`,
              body,
            });
            if (body.reason.includes('\u0000'))
              return refusal(
                400,
                'InputError',
                'Invalid accept-risk: reason must not contain NUL (\\u0000) characters',
              );
            acceptance = { ...accepted, reason: body.reason };
            return HttpResponse.json({
              ...approvedEntry({ acceptedRisks: [acceptance] }),
              rescoredFindings: 1,
            });
          },
        ),
        http.delete(
          '*/api/mcpeeker/registry/:id/accept-risk/:kind',
          ({ params }) => {
            requests.push({
              method: 'DELETE',
              path: `${params.id}/accept-risk/${params.kind}`,
            });
            acceptance = undefined;
            return HttpResponse.json({
              ...approvedEntry(),
              rescoredFindings: 1,
            });
          },
        ),
      );
      renderAs(ADMIN, <FindingDetail />, {
        mountPath: '/mcpeeker/findings/:id',
        path: `/mcpeeker/findings/${finding.compositeId}`,
      });
      const section = await screen.findByRole(
        'region',
        { name: 'high risk: Secret written in the config' },
        WAIT,
      );
      expect(screen.getAllByText('4 · authorized').length).toBeGreaterThan(0);
      await userEvent.click(
        await within(section).findByRole(
          'button',
          { name: 'Accept this risk' },
          WAIT,
        ),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Accept this risk?',
      });
      expect(dialog).toHaveTextContent(
        'Findings that match the approved registry entry github stop counting “Secret written in the config”',
      );
      const reason = within(dialog).getByRole('textbox', { name: 'Reason' });
      const accept = within(dialog).getByRole('button', {
        name: 'Accept risk',
      });
      // Required, as the server requires it: nothing is sent.
      await userEvent.click(accept);
      expect(
        await within(dialog).findByText(
          'Reason must be at least 10 characters: say why the risk is acceptable',
        ),
      ).toBeInTheDocument();
      await userEvent.click(reason);
      await userEvent.paste('too short');
      await userEvent.click(accept);
      expect(
        within(dialog).getByText(
          'Reason must be at least 10 characters: say why the risk is acceptable',
        ),
      ).toBeInTheDocument();
      expect(requests).toEqual([]);
      // What only the server checks comes back beside the field.
      await userEvent.click(reason);
      await userEvent.paste(' \u0000 it is a demo token');
      await userEvent.click(accept);
      expect(
        await within(dialog).findByText(
          'Reason must not contain NUL (\\u0000) characters',
        ),
      ).toBeInTheDocument();
      await userEvent.clear(reason);
      await userEvent.paste(accepted.reason);
      await userEvent.click(accept);

      expect(
        await screen.findByText(
          '“Secret written in the config” accepted on github; 1 finding rescored',
          undefined,
          WAIT,
        ),
      ).toBeInTheDocument();
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(requests.map(r => [r.method, r.path, r.body?.kind])).toEqual([
        ['POST', 'e1/accept-risk', 'inline-secret'],
        ['POST', 'e1/accept-risk', 'inline-secret'],
      ]);
      expect(requests[1].body.reason).toBe(accepted.reason);
      // The finding is read again: the risk accepted, the score lower. The
      // risk's section is found anew each time: the one on the page when the
      // message came is the finding's before it was read again.
      const secretRisk = () =>
        screen.getByRole('region', {
          name: 'high risk: Secret written in the config',
        });
      await waitFor(
        () =>
          expect(secretRisk()).toHaveTextContent(
            `Accepted, counts 0 in the score. ${acceptedWords}`,
          ),
        WAIT,
      );
      const again = secretRisk();
      expect(screen.getAllByText('2 · authorized').length).toBeGreaterThan(0);
      expect(
        screen.getByText(
          `inline secret, accepted by user:default/pat: ${accepted.reason}`,
        ),
      ).toBeInTheDocument();

      // Withdrawn after a confirmation; Cancel changes nothing.
      await userEvent.click(
        within(again).getByRole('button', { name: 'Withdraw acceptance' }),
      );
      const confirm = await screen.findByRole('dialog', {
        name: 'Count this risk again?',
      });
      await userEvent.click(
        within(confirm).getByRole('button', { name: 'Cancel' }),
      );
      expect(requests).toHaveLength(2);
      await userEvent.click(
        within(again).getByRole('button', { name: 'Withdraw acceptance' }),
      );
      await userEvent.click(
        within(
          await screen.findByRole('dialog', { name: 'Count this risk again?' }),
        ).getByRole('button', { name: 'Withdraw acceptance' }),
      );
      expect(
        await screen.findByText(
          '“Secret written in the config” counts again on github; 1 finding rescored',
          undefined,
          WAIT,
        ),
      ).toBeInTheDocument();
      expect(requests.at(-1)).toEqual({
        method: 'DELETE',
        path: 'e1/accept-risk/inline-secret',
      });
      await waitFor(
        () => expect(secretRisk()).not.toHaveTextContent('Accepted'),
        WAIT,
      );
      expect(screen.getAllByText('4 · authorized').length).toBeGreaterThan(0);
    },
    FLOW_TIMEOUT,
  );
});

describe('An entry’s accepted risks', () => {
  const entryWith = (acceptedRisks?: AcceptedRisk[]) =>
    approvedEntry({ acceptedRisks, updatedAt: new Date().toISOString() });

  function answerEntry(current: () => RegistryEntry) {
    server.use(
      http.get('*/api/mcpeeker/registry/:id', () =>
        HttpResponse.json(current()),
      ),
      http.post('*/api/mcpeeker/registry/:id/verify', () =>
        HttpResponse.json({ entryId: 'e1', detected: false, matches: [] }),
      ),
      http.get('*/api/mcpeeker/audit', () => HttpResponse.json({ items: [] })),
    );
  }

  it(
    'lists who accepted which risk and why; an admin withdraws one after a confirmation',
    async () => {
      let current = entryWith([accepted]);
      const withdrawn: string[] = [];
      answerEntry(() => current);
      server.use(
        http.delete(
          '*/api/mcpeeker/registry/:id/accept-risk/:kind',
          ({ params }) => {
            withdrawn.push(`${params.id}/${params.kind}`);
            current = entryWith(undefined);
            return HttpResponse.json({ ...current, rescoredFindings: 2 });
          },
        ),
      );
      renderAs(ADMIN, <EntryPage />, {
        mountPath: '/mcpeeker/registry/:id',
        path: '/mcpeeker/registry/e1',
      });
      const item = await screen.findByRole(
        'region',
        { name: 'Accepted: Secret written in the config' },
        WAIT,
      );
      expect(item).toHaveTextContent(acceptedWords);
      expect(
        screen.getByText('Its findings do not count these in their score.'),
      ).toBeInTheDocument();
      await userEvent.click(
        await within(item).findByRole('button', {
          name: 'Withdraw acceptance',
        }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Count this risk again?',
      });
      expect(dialog).toHaveTextContent(acceptedWords);
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Withdraw acceptance' }),
      );
      expect(
        await screen.findByText(
          '“Secret written in the config” counts again on github; 2 findings rescored',
          undefined,
          WAIT,
        ),
      ).toBeInTheDocument();
      expect(withdrawn).toEqual(['e1/inline-secret']);
      await waitFor(() =>
        expect(
          screen.queryByRole('region', {
            name: 'Accepted: Secret written in the config',
          }),
        ).toBeNull(),
      );
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows a developer the accepted risks read-only',
    async () => {
      answerEntry(() => entryWith([accepted]));
      const { answered } = renderAs(DEVELOPER, <EntryPage />, {
        mountPath: '/mcpeeker/registry/:id',
        path: '/mcpeeker/registry/e1',
      });
      const item = await screen.findByRole(
        'region',
        { name: 'Accepted: Secret written in the config' },
        WAIT,
      );
      await answered();
      expect(item).toHaveTextContent(acceptedWords);
      expect(
        screen.queryByRole('button', { name: 'Withdraw acceptance' }),
      ).toBeNull();
    },
    FLOW_TIMEOUT,
  );
});

function Where() {
  const { search } = useLocation();
  return <output aria-label="Location">{search}</output>;
}

describe('FindingsTable risk', () => {
  it(
    'filters by risk through the URL, shows each finding’s most severe risk that counts, and exports what it filters',
    async () => {
      const queries: Array<Record<string, string>> = [];
      server.use(
        http.get('*/api/mcpeeker/findings', ({ request }) => {
          const params = new URL(request.url).searchParams;
          params.delete('limit');
          queries.push(Object.fromEntries(params));
          return HttpResponse.json({
            items: [
              {
                ...withRisks([secret]),
                breakdown: { ...finding.breakdown, riskLevel: 'high' },
              },
              {
                ...approvedRisky(accepted),
                compositeId: 'mcp_ffffffffffffffffffffffffffffffff',
                serverName: 'fetch',
              },
              {
                ...withRisks([{ ...secret, severity: 'high' }]),
                compositeId: 'mcp_eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
                serverName: 'notes',
                breakdown: finding.breakdown,
              },
            ],
            totalCount: 3,
          });
        }),
      );
      const exports: Array<Record<string, string>> = [];
      server.use(
        http.get('*/api/mcpeeker/findings/export', ({ request }) => {
          exports.push(Object.fromEntries(new URL(request.url).searchParams));
          return new HttpResponse('[]', {
            headers: {
              'content-type': 'application/json',
              'content-disposition':
                'attachment; filename="mcpeeker-findings-2026-12-03.json"',
            },
          });
        }),
      );
      renderAs(
        ADMIN,
        <>
          <FindingsTable />
          <Where />
        </>,
        { path: '/?minRisk=high' },
      );
      await screen.findByRole('row', { name: /github/ }, WAIT);
      expect(queries.at(-1)).toEqual({ minRisk: 'high', sort: 'score' });
      expect(screen.getByLabelText('Risk')).toHaveTextContent('High');
      const [github, fetch, notes] = bodyRows();
      expect(
        within(github).getByTitle(
          'Most severe risk that counts: high (1 risk found)',
        ),
      ).toHaveTextContent('high');
      expect(
        within(fetch).getByTitle(
          'Most severe risk that counts: medium (2 risks found)',
        ),
      ).toHaveTextContent('medium');
      // Every risk it has is accepted on its entry.
      expect(
        within(notes).getByTitle(
          'Every risk found is accepted on its registry entry',
        ),
      ).toHaveTextContent('accepted');

      await userEvent.click(screen.getByLabelText('Risk'));
      await userEvent.click(
        await screen.findByRole('option', { name: 'Medium or worse' }),
      );
      await waitFor(() => expect(queries.at(-1)?.minRisk).toBe('medium'));
      expect(screen.getByLabelText('Location')).toHaveTextContent(
        '?minRisk=medium',
      );

      const createObjectURL = jest.fn(() => 'blob:export');
      Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
      const click = jest
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(() => {});
      try {
        await userEvent.click(screen.getByRole('button', { name: 'Export' }));
        await userEvent.click(
          await screen.findByRole('menuitem', { name: /^JSON/ }),
        );
        await waitFor(() => expect(click).toHaveBeenCalled());
      } finally {
        click.mockRestore();
      }
      expect(exports).toEqual([{ format: 'json', minRisk: 'medium' }]);

      // "Any" removes the filter from the URL and the request.
      await userEvent.click(screen.getByLabelText('Risk'));
      await userEvent.click(await screen.findByRole('option', { name: 'Any' }));
      await waitFor(() => expect(queries.at(-1)).not.toHaveProperty('minRisk'));
      expect(screen.getByLabelText('Location')).toBeEmptyDOMElement();
    },
    FLOW_TIMEOUT,
  );
});
