import { http, HttpResponse } from 'msw';

/**
 * What the backend answers, unless a test says otherwise, to what the page
 * asks besides the test's subject: nothing registered or pending approval,
 * no timeline, no feedback, no suppressions, no host reported. Given to
 * `setupServer`, below every handler a test adds (msw tries the latest
 * first), so a test of a finding's Judge need not answer for its registry
 * entry and timeline.
 */
export const backendDefaults = [
  http.get('*/api/mcpeeker/registry', () =>
    HttpResponse.json({ items: [], totalCount: 0 }),
  ),
  http.get('*/api/mcpeeker/findings/:id/timeline', () =>
    HttpResponse.json({ items: [], detectionsLeftOut: 0 }),
  ),
  http.get('*/api/mcpeeker/findings/:id/feedback', () =>
    HttpResponse.json({ items: [] }),
  ),
  http.get('*/api/mcpeeker/suppressions', () =>
    HttpResponse.json({ items: [] }),
  ),
  http.get('*/api/mcpeeker/hosts', () =>
    HttpResponse.json({ items: [], total: 0, enforcing: 0 }),
  ),
];
