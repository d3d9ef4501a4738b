import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { finding } from '../../__testUtils__/fixtures';
import { readerInTimeZone } from '../../__testUtils__/readerTimeZone';
import { reloaded } from '../../__testUtils__/reloaded';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { FindingsTable } from './FindingsTable';

// The Findings list when its URL or the backend says no: a filter it cannot
// read is named, not dropped silently; the backend's reason is shown.

/** Where the page is, for the test to read. */
function Where() {
  const { search } = useLocation();
  return <output aria-label="Location">{search}</output>;
}

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

function renderList(path: string) {
  return renderUnstyled(
    <>
      <FindingsTable />
      <Where />
    </>,
    {
      apis: [[mcpeekerApiRef, testClient]],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [path],
    },
  );
}

describe('FindingsList with a filter it cannot read', () => {
  it('names the ignored filter and its value, and clears it on request', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [finding], totalCount: 1 });
      }),
    );
    await renderList(
      '/?minRisk=critical&layer=endpoint&classification=bogus,suspect',
    );

    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map(a => a.textContent)).toEqual([
      'Ignored the filter classification=bogus: not a classification (authorized, suspect, unauthorized). The list is not filtered by it.Clear it',
      'Ignored the filter minRisk=critical: not a risk level (low, medium, high). The list is not filtered by it.Clear it',
    ]);
    await screen.findByRole('row', { name: /github/ });
    // The backend is asked only for what the page read.
    expect(queries.at(-1)?.get('minRisk')).toBeNull();
    expect(queries.at(-1)?.get('layer')).toBe('endpoint');
    expect(queries.at(-1)?.get('classification')).toBe('suspect');

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear the filter minRisk' }),
    );
    expect(await screen.findByLabelText('Location')).toHaveTextContent(
      '?layer=endpoint&classification=bogus%2Csuspect',
    );
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.queryByText(/minRisk=critical/)).toBeNull();

    // Of a list, the values it reads stay.
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear the filter classification' }),
    );
    expect(await screen.findByLabelText('Location')).toHaveTextContent(
      '?layer=endpoint&classification=suspect',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('names an owner filter as one the list does not have: the list stays what the viewer may read, and nothing of the owner is asked', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [finding], totalCount: 1 });
      }),
    );
    await renderList('/?owner=user:default/pat&layer=endpoint');

    // Before: no word of it, where classification=bogus got one.
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Ignored the filter owner=user:default/pat: the list has no owner filter; it holds the findings your role lets you read (as a developer, only your own), and Search server or owner finds an owner among those. The list is not filtered by it.Clear it',
    );
    await screen.findByRole('row', { name: /github/ });
    // The backend is not asked for another's findings: no owner is sent.
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query.has('owner')).toBe(false);
      expect([...query.values()].join(' ')).not.toMatch(/pat/);
    }
    expect(queries.at(-1)?.get('layer')).toBe('endpoint');

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear the filter owner' }),
    );
    expect(await screen.findByLabelText('Location')).toHaveTextContent(
      /^\?layer=endpoint$/,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says nothing of filters it reads', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    await renderList('/?minRisk=high&suppressed=exclude&status=open');
    await screen.findByRole('row', { name: /github/ });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('FindingsList’s hosts', () => {
  it('shows a host by the first 12 characters of its hash, the whole hash on hover and copied', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    await renderList('/');
    const row = await screen.findByRole('row', { name: /github/ });
    // Before: all 64 characters in the Host column.
    expect(within(row).getByText('aaaaaaaaaaaa…')).toHaveAttribute(
      'title',
      finding.hostIdHash,
    );
    expect(row).not.toHaveTextContent(finding.hostIdHash!);
    expect(
      within(row).getByRole('button', { name: 'Copy the host id' }),
    ).toBeInTheDocument();
  });
});

describe('FindingsList when the backend refuses', () => {
  it("shows the backend's reason, not the status line, and stops the search box at its limit", async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message:
                'Invalid findings query: q: Too big: expected string to have <=200 characters',
            },
            request: { method: 'GET', url: '/findings' },
            response: { statusCode: 400 },
          },
          { status: 400, statusText: 'Bad Request' },
        ),
      ),
    );
    await renderList(`/?q=${'a'.repeat(5000)}`);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The findings could not be loaded: Invalid findings query: q: Too big: expected string to have <=200 characters',
    );
    expect(screen.queryByText(/Request failed/)).toBeNull();
    expect(
      screen.getByRole('textbox', { name: 'Search server or owner' }),
    ).toHaveAttribute('maxlength', '200');
  });

  it('shows only the status of an answer that is not JSON', async () => {
    server.use(
      http.get(
        '*/api/mcpeeker/findings',
        () =>
          new HttpResponse(
            '<html><body><h1>502 Bad Gateway</h1></body></html>',
            {
              status: 502,
              statusText: 'Bad Gateway',
              headers: { 'content-type': 'text/html' },
            },
          ),
      ),
    );
    await renderList('/');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The findings could not be loaded: Request failed with 502 Bad Gateway',
    );
    expect(within(alert).queryByText(/html|<h1>/)).toBeNull();
    expect(alert.textContent).not.toMatch(/<|html/);
  });
});

describe('FindingsList and findings no longer reported', () => {
  // A reader in Auckland (13 hours ahead of UTC in November): the evening of
  // the 20th in UTC is the morning of the 21st there.
  readerInTimeZone('Pacific/Auckland');
  const inAuckland = (iso: string) =>
    new Date(iso).toLocaleString(undefined, { timeZone: 'Pacific/Auckland' });
  const since = '2026-11-20T20:00:00.000Z';
  const missingFrom = '2026-11-22T09:30:00.000Z';
  const gone = {
    ...finding,
    compositeId: 'mcp_fedcba9876543210fedcba9876543210',
    serverName: 'filesystem',
    breakdown: {
      ...finding.breakdown,
      noLongerReported: { since, missingFrom },
    },
  };

  it('leaves them out unless asked, then lists them marked, in a link that can be shared', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        const items =
          query.get('gone') === 'include' ? [finding, gone] : [finding];
        return HttpResponse.json({ items, totalCount: items.length });
      }),
    );
    await renderList('/?minRisk=high');
    const still = await screen.findByRole('row', { name: /github/ });
    expect(queries.at(-1)?.get('gone')).toBeNull();
    const toggle = screen.getByRole('checkbox', {
      name: 'Show no longer reported',
    });
    expect(toggle).not.toBeChecked();
    expect(within(still).queryByText('No longer reported')).toBeNull();

    await userEvent.click(toggle);
    const row = await screen.findByRole('row', { name: /filesystem/ });
    expect(queries.at(-1)?.get('gone')).toBe('include');
    expect(queries.at(-1)?.get('minRisk')).toBe('high');
    expect(screen.getByLabelText('Location')).toHaveTextContent(
      '?minRisk=high&gone=include',
    );
    // Since when, in the reader's time, as every time on the page.
    expect(
      within(row).getByTitle(
        `No longer reported since ${inAuckland(
          since,
        )}: removed or changed on its last scan (${inAuckland(missingFrom)})`,
      ),
    ).toHaveTextContent('No longer reported');
    // The one still reported is not marked.
    expect(
      within(screen.getByRole('row', { name: /github/ })).queryByText(
        'No longer reported',
      ),
    ).toBeNull();

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Show no longer reported' }),
    );
    expect(await screen.findByLabelText('Location')).toHaveTextContent(
      /^\?minRisk=high$/,
    );
    await waitFor(() => expect(queries.at(-1)?.get('gone')).toBeNull());
    // Asked is not answered: the rows before stay in view until it is.
    await reloaded();
    expect(screen.queryByRole('row', { name: /filesystem/ })).toBeNull();
  });

  it('opens a shared link with them shown, and only them with a filter that can be removed', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [gone], totalCount: 1 });
      }),
    );
    await renderList('/?gone=only');
    await screen.findByRole('row', { name: /filesystem/ });
    expect(queries.at(-1)?.get('gone')).toBe('only');
    expect(
      screen.getByRole('checkbox', { name: 'Show no longer reported' }),
    ).toBeChecked();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'No longer reported only: remove this filter',
      }),
    );
    await waitFor(() => expect(queries.at(-1)?.get('gone')).toBeNull());
    expect(screen.getByLabelText('Location')).toBeEmptyDOMElement();
  });

  it('reads gone=exclude (the default) as no filter', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    await renderList('/?gone=exclude&suppressed=exclude');
    await screen.findByRole('row', { name: /github/ });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(
      screen.getByRole('checkbox', { name: 'Show no longer reported' }),
    ).not.toBeChecked();
  });

  it('names a value of gone it does not know', async () => {
    server.use(
      http.get('*/api/mcpeeker/findings', () =>
        HttpResponse.json({ items: [finding], totalCount: 1 }),
      ),
    );
    await renderList('/?gone=all');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Ignored the filter gone=all: not a choice of exclude, include, only. The list is not filtered by it.',
    );
  });
});
