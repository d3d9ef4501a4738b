import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { cacheComputedStyleBetweenChanges } from './__testUtils__/computedStyleCache';

// Component tests render the component (or the MCPeeker page) in a minimal
// test app; only plugin.test.tsx renders the whole app. Waits end as soon as
// the element is there, so these limits only matter when something is missing
// or the machine is very busy: a missing element fails Testing Library's wait
// (30 s, with the DOM printed) before the test's own limit (60 s). A clean-clone
// run on a machine loaded far beyond its two cores took over 5 s for a page's
// first render (13 s in an earlier loaded run, where a quiet machine takes 2).
configure({ asyncUtilTimeout: 30_000 });
jest.setTimeout(60_000);

// Role queries and accessible names ask jsdom for computed styles again and
// again; between two changes to the page the answer is the same.
cacheComputedStyleBetweenChanges();
