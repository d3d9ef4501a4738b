import { screen, waitFor } from '@testing-library/react';

/**
 * Waits until no list on the page is being read again. After a filter
 * change, a page turn or a step back, a list keeps its old rows in view
 * under a progress bar until the new ones come, and the new rows are new
 * elements: a row (or a button in it) found before has then left the page,
 * a click on it opens nothing, and what was read in it is the old list's.
 * Call this right after the action that starts the reload (once it started:
 * after a decision, once its answer is on the page), then find rows again.
 * It waits on the page, never on time: on a quiet machine the new rows come
 * within the action, with both cores busy well after it.
 */
export async function reloaded(): Promise<void> {
  await waitFor(() =>
    expect(screen.queryAllByTestId('progress')).toHaveLength(0),
  );
}
