import userEvent from '@testing-library/user-event';

/**
 * Puts text into a field at once, as pasting does: typing it key by key costs
 * ≈ 35 ms of CPU a key in jsdom, seconds per form on a busy machine. Tests
 * that are about typing (a key's effect, Enter) still type.
 */
export async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}
