import { ReactNode } from 'react';
import { CutText } from './TableParts';

// How the portal writes a time for its reader, decided here once. The API
// writes instants as ISO 8601 (UTC), in fields and in the words it stores;
// only the page knows its reader. Every form goes through toLocaleString
// with its parts named, the reader's locale and (but for a calendar date)
// time zone left to the browser.

/** The parts of an instant written whole: date and time of day. */
const WHOLE: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};
const DATE: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
};
const TIME_OF_DAY: Intl.DateTimeFormatOptions = {
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};

/**
 * An instant as the portal shows every one: in the reader's locale and time
 * zone, date and time of day ("12/3/2026, 9:07:42 PM").
 */
export const localTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, WHOLE);

/** An instant in the reader's time, the instant itself in `dateTime`. */
export function LocalTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{localTime(iso)}</time>;
}

/**
 * An instant in a narrow column of a table: its date in the reader's time,
 * the time of day under it, each whole in its title.
 */
export function LocalDateOverTime({ iso }: { iso: string }) {
  const d = new Date(iso);
  const whole = localTime(iso);
  return (
    <>
      <CutText title={whole}>
        <time dateTime={iso}>{d.toLocaleString(undefined, DATE)}</time>
      </CutText>
      <CutText secondary title={whole}>
        <time dateTime={iso}>{d.toLocaleString(undefined, TIME_OF_DAY)}</time>
      </CutText>
    </>
  );
}

/**
 * An instant where there is little room (a chart's axis, its points):
 * "Dec 3, 09:00", in the reader's time.
 */
export const shortLocalTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/**
 * A calendar date, the same day wherever it is read: a registry entry's
 * expiry (the end of the chosen day in UTC, as the API stores it and its
 * notices print it) or a day of the analytics (days in UTC). Written in the
 * reader's locale ("12/3/2026"), never moved into the reader's time zone,
 * where the end of the 3rd in UTC is already the 4th east of Greenwich.
 */
export const calendarDate = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { ...DATE, timeZone: 'UTC' });

/** A calendar date (see `calendarDate`), the day itself in `dateTime`. */
export function CalendarDate({ iso }: { iso: string }) {
  return (
    <time dateTime={new Date(iso).toISOString().slice(0, 10)}>
      {calendarDate(iso)}
    </time>
  );
}

/** A calendar date where there is little room (a chart's axis): "Dec 3". */
export const shortCalendarDate = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday"; "never" for no time at all. */
export function sinceNow(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return RELATIVE.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return RELATIVE.format(hours, 'hour');
  return RELATIVE.format(Math.round(hours / 24), 'day');
}

/**
 * How long ago an instant was (`sinceNow`), the instant in the reader's time
 * in its title and itself in `dateTime`; "never" for none.
 */
export function SinceNow({ iso }: { iso: string | undefined }) {
  if (!iso) return <>{sinceNow(iso)}</>;
  return (
    <time dateTime={iso} title={localTime(iso)}>
      {sinceNow(iso)}
    </time>
  );
}

/**
 * Words the API wrote with instants in them (`times`, each written there as
 * ISO 8601), each of those shown in the reader's time.
 */
export function withLocalTimes(
  text: string,
  times: ReadonlyArray<string | undefined> = [],
): ReactNode[] {
  let parts: ReactNode[] = [text];
  for (const iso of new Set(times)) {
    if (!iso || Number.isNaN(Date.parse(iso))) continue;
    parts = parts.flatMap((part): ReactNode[] => {
      if (typeof part !== 'string') return [part];
      const out: ReactNode[] = [];
      part.split(iso).forEach((words, i) => {
        if (i > 0) out.push(<LocalTime key={`${iso}-${i}`} iso={iso} />);
        if (words) out.push(words);
      });
      return out;
    });
  }
  return parts;
}
