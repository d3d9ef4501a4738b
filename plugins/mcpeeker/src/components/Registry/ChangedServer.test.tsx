import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Finding, RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import {
  demoIdentity as dana,
  finding,
  registryEntry,
} from '../../__testUtils__/fixtures';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { EntryVerification, mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { RegistryOfFinding } from '../Findings/FindingDetail';
import { RisksCard } from '../Findings/RisksCard';
import { EntryFindings } from './EntryPage';

// Dana pinned the version of her registered `filesystem`: the entry's
// findings are gone, and the server it became is not covered.
const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const PKG = '@modelcontextprotocol/server-filesystem';
const OLD = 'mcp_00000000000000000000000000000001';
const PINNED = 'mcp_00000000000000000000000000000002';
const entry: RegistryEntry = registryEntry({
  name: 'filesystem',
  status: 'approved',
  identity: {
    compositeId: OLD,
    hostIdHash: 'a'.repeat(64),
    packageId: PKG,
    packageArguments: ['/'],
  },
});
const line = {
  serverName: 'filesystem',
  hostIdHash: 'a'.repeat(64),
  lastSeen: '2026-12-01T09:00:00.000Z',
};
const verification: EntryVerification = {
  entryId: entry.id,
  detected: false,
  matches: [
    {
      ...line,
      compositeId: OLD,
      score: 6,
      classification: 'suspect',
      registryStatus: 'approved',
      noLongerReported: { since: '2026-12-01T09:00:00.000Z' },
    },
  ],
  changedServer: {
    finding: {
      ...line,
      compositeId: PINNED,
      score: 8,
      classification: 'suspect',
      registryStatus: 'unregistered',
      lastSeen: '2026-12-02T09:00:00.000Z',
    },
    change: 'pinned',
    words: `it now pins ${PKG}@2025.8.21; the registration names ${PKG} unpinned, and an approval covers only the version it names`,
    identity: {
      ...entry.identity,
      compositeId: PINNED,
      packageVersion: '2025.8.21',
    },
  },
};

function renderFindings(identity = dana) {
  const updated: string[] = [];
  const told: string[] = [];
  server.use(
    http.post('*/api/mcpeeker/registry/:id/verify', () =>
      HttpResponse.json(verification),
    ),
    http.post('*/api/mcpeeker/registry/:id/identity', async ({ request }) => {
      updated.push(((await request.json()) as any).fromFinding);
      return HttpResponse.json({
        ...entry,
        status: 'pending',
        rescoredFindings: 2,
      });
    }),
  );
  renderUnstyled(
    <EntryFindings entry={entry} onUpdated={t => told.push(t)} />,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        mockApis.permission({ authorize: AuthorizeResult.DENY }),
        identity,
      ],
    },
  );
  return { updated, told };
}

describe('a registered server that changed', () => {
  it('tells its owner on the entry page, marks the gone finding, and updates the registration in one step', async () => {
    const { updated, told } = renderFindings();
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent(
      /no longer matches the server: its findings are no longer reported/,
    );
    expect(notice).toHaveTextContent(
      /pins @modelcontextprotocol\/server-filesystem@2025\.8\.21/,
    );
    expect(notice).toHaveTextContent(
      /enforcement allows only the registered command/,
    );
    expect(
      screen.getByText(
        /Detection no longer sees it; 1 finding no longer reported/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/— no longer reported since/)).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Update registration to this server',
      }),
    );
    // Told once the backend answered, which the click does not wait for.
    await waitFor(() =>
      expect(told).toEqual([
        expect.stringMatching(/awaits an admin's approval again/),
      ]),
    );
    expect(updated).toEqual([PINNED]);
  });

  it('tells an admin who does not own it that its owner can update it', async () => {
    renderFindings(
      mockApis.identity({
        userEntityRef: 'user:default/pat',
        ownershipEntityRefs: [
          'user:default/pat',
          'group:default/platform-admins',
        ],
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Its owner \(user:default\/dana\) can update the registration/,
    );
    expect(
      screen.queryByRole('button', {
        name: 'Update registration to this server',
      }),
    ).not.toBeInTheDocument();
  });

  it('the live finding’s page says one thing: unregistered, and which entry no longer covers it', async () => {
    const live: Finding = {
      ...finding,
      signals: {
        ...finding.signals,
        risks: [
          {
            kind: 'broad-filesystem',
            severity: 'high',
            title: 'The whole disk as its root',
            evidence: 'filesystem serves / to the model',
            fix: 'Give it only the folders it needs.',
          },
        ],
      },
      compositeId: PINNED,
      serverName: 'filesystem',
      registryStatus: 'unregistered',
    };
    renderUnstyled(
      <>
        <RegistryOfFinding finding={live} entry={undefined} former={entry} />
        <RisksCard finding={live} former={entry} />
      </>,
      {
        apis: [
          [mcpeekerApiRef, testClient],
          mockApis.permission({ authorize: AuthorizeResult.DENY }),
          dana,
        ],
      },
    );
    const row = await screen.findByTestId('finding-registry');
    expect(row).toHaveTextContent(
      /^unregistered — registry entry filesystem registered this server before it changed and does not cover it/,
    );
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(/is approved/);
    expect(text).toMatch(
      /registry entry filesystem registered this server before it changed and does not cover it as it runs now\./,
    );
  });

  it('the gone finding’s page, once the registration moved and was approved, says it moved and offers no update', async () => {
    const moved: RegistryEntry = {
      ...entry,
      status: 'approved',
      identity: verification.changedServer!.identity,
    };
    const gone: Finding = {
      ...finding,
      signals: {
        ...finding.signals,
        risks: [
          {
            kind: 'broad-filesystem',
            severity: 'high',
            title: 'The whole disk as its root',
            evidence: 'filesystem serves / to the model',
            fix: 'Give it only the folders it needs.',
          },
        ],
      },
      breakdown: {
        ...finding.breakdown,
        noLongerReported: {
          since: '2026-12-01T09:00:00.000Z',
          missingFrom: '2026-12-02T09:00:00.000Z',
        },
      },
      compositeId: OLD,
      serverName: 'filesystem',
      registryStatus: 'unregistered',
    };
    renderUnstyled(
      <>
        <RegistryOfFinding finding={gone} entry={undefined} former={moved} />
        <RisksCard finding={gone} former={moved} />
      </>,
      {
        mountedRoutes: { '/mcpeeker': rootRouteRef },
        apis: [
          [mcpeekerApiRef, testClient],
          mockApis.permission({ authorize: AuthorizeResult.DENY }),
          dana,
        ],
      },
    );
    const row = await screen.findByTestId('finding-registry');
    expect(row).toHaveTextContent(
      /^unregistered — the registration moved: registry entry filesystem now names the server as it runs now \(its finding\)$/,
    );
    const links = screen.getAllByRole('link', { name: 'its finding' });
    expect(links[0]).toHaveAttribute(
      'href',
      expect.stringContaining(`/findings/${PINNED}`),
    );
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(/update the registration/);
    expect(text).not.toMatch(/registered this server before it changed/);
  });
});
