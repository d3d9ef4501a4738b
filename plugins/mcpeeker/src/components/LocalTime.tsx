import { ReactNode } from 'react';

/**
 * An instant as the portal shows every one: in the reader's locale and time
 * zone. The API writes instants as ISO 8601 (UTC), in fields and in the
 * words it stores; only the page knows its reader.
 */
export const localTime = (iso: string) => new Date(iso).toLocaleString();

/** An instant in the reader's time, the instant itself in `dateTime`. */
export function LocalTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{localTime(iso)}</time>;
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
