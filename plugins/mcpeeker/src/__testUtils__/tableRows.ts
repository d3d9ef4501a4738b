import { screen, within } from '@testing-library/react';

/**
 * The rows on screen that hold data, as a reader takes them: a table's
 * header row aside.
 */
export function bodyRows(): HTMLElement[] {
  return screen
    .queryAllByRole('row')
    .filter(row => within(row).queryAllByRole('columnheader').length === 0);
}
