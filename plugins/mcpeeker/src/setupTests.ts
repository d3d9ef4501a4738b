import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests render the component (or the MCPeeker page) in a minimal
// test app; only plugin.test.tsx renders the whole app. Waits end as soon as
// the element is there, so these limits only matter when something is missing
// or the machine is very busy: a missing element fails Testing Library's wait
// (5 s, with the DOM printed) well before the test's own limit (60 s). Waits
// for what a lazily loaded page renders first are given 30 s: a loaded CI run
// took 13 s where a quiet machine takes 2.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(60_000);
