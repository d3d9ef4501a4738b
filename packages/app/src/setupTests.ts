import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The app's first render (its lazily loaded pages, the sign-in page) took
// longer than Testing Library's 1 s default on a loaded clean-clone run. Waits
// end as soon as the element is there; a missing one fails after 30 s, within
// the test's 60 s.
configure({ asyncUtilTimeout: 30_000 });
jest.setTimeout(60_000);
