import type { NetworkSighting } from '../networkEvent';

/** Why a line became no record, as the summary counts it. */
export type SkipReason =
  | 'line too long'
  | 'binary garbage'
  | 'truncated line'
  | 'not JSON'
  | 'no #fields header'
  | 'log of another type'
  | 'unknown event type'
  | 'bad field';

/** What one line of a log came to. */
export type LineOutcome =
  /** A record that is MCP evidence: one sighting or more. */
  | { sightings: NetworkSighting[] }
  /** A record read whole that is no MCP evidence (most of any log). */
  | { record: 'no evidence' }
  /** A Zeek header line (`#fields`, `#close`, …). */
  | { header: true }
  | { skipped: SkipReason; detail?: string };

export const NO_EVIDENCE: LineOutcome = { record: 'no evidence' };

/** A field that is there but cannot be read: the line is skipped with this. */
export class FieldError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** Control characters a text log never holds (tab, CR and LF aside), and the UTF-8 decoder's mark for bytes that were not UTF-8. */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

export function looksBinary(line: string): boolean {
  return BINARY.test(line);
}

/** The cheap half of `looksBinary`, for every line: NUL, or bytes that were not UTF-8. */
export function surelyBinary(line: string): boolean {
  return line.includes('\u0000') || line.includes('\ufffd');
}

/**
 * A JSON line that does not parse: cut short (the writer died, the line
 * was rotated away mid-write) when it opens an object it never closes.
 */
export function jsonFailure(line: string): LineOutcome {
  if (looksBinary(line)) return { skipped: 'binary garbage' };
  const text = line.trimEnd();
  return text.startsWith('{') && !text.endsWith('}')
    ? { skipped: 'truncated line', detail: 'a JSON object that never closes' }
    : { skipped: 'not JSON' };
}

/** Seconds since the epoch (`1714420898.610732`) or ISO 8601, as an ISO string. */
export function timeOf(value: unknown, field: string): string {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
    ms = Number(value) * 1000;
  else if (typeof value === 'string') ms = Date.parse(value);
  else throw new FieldError(field, 'missing');
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15)
    throw new FieldError(field, `not a time: ${String(value).slice(0, 40)}`);
  return new Date(ms).toISOString();
}

/** A TCP/UDP port, from a number or its text. */
export function portOf(value: unknown, field: string): number {
  const port = typeof value === 'string' ? Number(value) : value;
  if (
    typeof port !== 'number' ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  )
    throw new FieldError(field, `not a port: ${String(value).slice(0, 40)}`);
  return port;
}

export function addressOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new FieldError(field, 'missing');
  return value;
}
