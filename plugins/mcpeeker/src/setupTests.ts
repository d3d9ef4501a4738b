import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// A whole Backstage app renders in each test; with the suites of every
// package on two cores, its first render can take longer than Testing
// Library's default 1 s wait (CI failed once that way). Waits end as soon as
// the element is there, so this only matters when something is missing.
configure({ asyncUtilTimeout: 5000 });
