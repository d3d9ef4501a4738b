/**
 * In the `describe` it is called in: a reader whose browser runs in
 * `timeZone`, so that dates the page writes in the reader's time come out
 * in that zone, whichever of Date's toLocale… methods writes them (a
 * component writing its own date with toLocaleDateString is then caught
 * moving a calendar date into the reader's zone). Jest's process takes its
 * time zone at start: `process.env.TZ` set in a test changes nothing.
 */
export function readerInTimeZone(timeZone: string) {
  const methods = [
    'toLocaleString',
    'toLocaleDateString',
    'toLocaleTimeString',
  ] as const;
  let spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    spies = methods.map(method => {
      const original = Date.prototype[method];
      return jest
        .spyOn(Date.prototype, method)
        .mockImplementation(function inZone(
          this: Date,
          locales?: Intl.LocalesArgument,
          options?: Intl.DateTimeFormatOptions,
        ) {
          return original.call(this, locales, { timeZone, ...options });
        });
    });
  });
  afterEach(() => spies.forEach(spy => spy.mockRestore()));
}

/**
 * An instant as a reader in `timeZone` sees it written whole (date and time
 * of day, in the locale the tests run in): what the page must show for it.
 */
export const seenIn = (timeZone: string) => (iso: string) =>
  new Date(iso).toLocaleString(undefined, { timeZone });
