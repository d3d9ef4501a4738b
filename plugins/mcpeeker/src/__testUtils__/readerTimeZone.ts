/**
 * In the `describe` it is called in: a reader whose browser runs in
 * `timeZone`, so that dates the page writes in the reader's time come out
 * in that zone. (Jest's process takes its time zone at start: `process.env.TZ`
 * set in a test changes nothing.)
 */
export function readerInTimeZone(timeZone: string) {
  const toLocaleString = Date.prototype.toLocaleString;
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    spy = jest
      .spyOn(Date.prototype, 'toLocaleString')
      .mockImplementation(function inZone(
        this: Date,
        locales?: Intl.LocalesArgument,
        options?: Intl.DateTimeFormatOptions,
      ) {
        return toLocaleString.call(this, locales, { timeZone, ...options });
      });
  });
  afterEach(() => spy?.mockRestore());
}
