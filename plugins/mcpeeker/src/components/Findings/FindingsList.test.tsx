import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { finding } from '../../__testUtils__/fixtures';
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
