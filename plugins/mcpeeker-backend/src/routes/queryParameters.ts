import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * What a person sent, as a 400 repeats it: short values quoted (escaped when
 * they hold what a terminal would not show), long ones only measured — they
 * are the caller's data, not a name to recognise.
 */
export function sentValue(value: unknown): string {
  if (Array.isArray(value)) return 'given more than once';
  if (value === undefined) return 'missing';
  if (value !== null && typeof value === 'object') return 'not a single value';
  const text = String(value);
  // Repeated only when short and plain (letters, digits, spaces and
  // . , : + - / @ _): an error body never carries markup, quotes or
  // anything long the request sent back.
  if (text.length > 23 || !/^[\w .,:+\-/@]*$/.test(text))
    return `got a value of ${text.length} character${
      text.length === 1 ? '' : 's'
    }`;
  return `got '${text}'`;
}

/** The schema under optional, nullable and default: what the value itself must be. */
function innermost(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current: any = schema;
  while (
    current &&
    ['optional', 'nullable', 'default', 'prefault'].includes(current.def?.type)
  )
    current = current.def.innerType;
  return current;
}

/** A bound zod keeps for "none" (±MAX_SAFE_INTEGER, ±Infinity) is no bound. */
const bounded = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER;

/** "a whole number from 1 to 500": a number field's rule, from its schema. */
function numberRule(schema: z.ZodNumber): string {
  const kind = schema.isInt ? 'a whole number' : 'a number';
  const { minValue: min, maxValue: max } = schema;
  if (bounded(min) && bounded(max)) return `${kind} from ${min} to ${max}`;
  if (bounded(min)) return `${kind} of at least ${min}`;
  if (bounded(max)) return `${kind} of at most ${max}`;
  return kind;
}

/** "a, b or c". */
const oneOf = (values: readonly unknown[]) =>
  values.length === 1
    ? String(values[0])
    : `${values.slice(0, -1).join(', ')} or ${String(values.at(-1))}`;

/**
 * One zod issue of a parameter or field, in words for the person who sent
 * it — `limit must be a whole number from 1 to 500, got 'abc'` — for the
 * kinds people get wrong by hand: numbers, choices, dates and lengths. Other
 * issues (a pattern's own message, a missing field) keep zod's words.
 * `undefined` for an unknown key: the caller lists the known ones.
 */
export function describeIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  input: unknown,
): string | undefined {
  if (issue.code === 'unrecognized_keys') return undefined;
  const [key, ...rest] = issue.path;
  const name = issue.path.join('.') || '(body)';
  let sent: unknown = input;
  for (const part of issue.path)
    sent =
      sent !== null && typeof sent === 'object'
        ? (sent as any)[part as any]
        : undefined;
  const field =
    schema instanceof z.ZodObject && typeof key === 'string'
      ? innermost(schema.shape[key])
      : undefined;

  // A list of choices separated by commas (`classification=authorized,bogus`):
  // the item is named by its place, the parameter by its name.
  if (
    issue.code === 'invalid_value' &&
    rest.length === 1 &&
    typeof rest[0] === 'number' &&
    typeof (input as any)?.[key as any] === 'string'
  ) {
    const item = String((input as any)[key as any])
      .split(',')
      .filter(Boolean)[rest[0]];
    return `${String(key)} must be ${oneOf(
      issue.values,
    )}, separated by commas, ${sentValue(item)}`;
  }
  if (issue.code === 'invalid_value')
    return `${name} must be ${oneOf(issue.values)}, ${sentValue(sent)}`;
  if (
    field instanceof z.ZodNumber &&
    rest.length === 0 &&
    (issue.code === 'invalid_type' ||
      issue.code === 'too_small' ||
      issue.code === 'too_big' ||
      issue.code === 'not_multiple_of')
  )
    return `${name} must be ${numberRule(field)}, ${sentValue(sent)}`;
  if (issue.code === 'invalid_format' && issue.format === 'datetime')
    return `${name} must be a date and time such as 2026-11-21T10:00:00Z, ${sentValue(
      sent,
    )}`;
  if (issue.code === 'invalid_format' && issue.format === 'date')
    return `${name} must be a date such as 2026-11-21, ${sentValue(sent)}`;
  if (
    (issue.code === 'too_big' || issue.code === 'too_small') &&
    issue.origin === 'string' &&
    typeof sent === 'string' &&
    // A schema's own words (`purpose must be at least 10 characters: say
    // why`) are kept; only zod's generic "Too small: …" is reworded.
    /^Too (small|big)\b/.test(issue.message)
  )
    return `${name} must be ${
      issue.code === 'too_big'
        ? `at most ${issue.maximum} characters`
        : `at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'}`
    }, got ${sent.length}`;
  return `${name} ${issue.message}`;
}

/** A bound as a 400 repeats it: a number as is, an instant to the second, in UTC. */
function boundText(value: number | Date): string {
  return typeof value === 'number'
    ? String(value)
    : value
        .toISOString()
        .replace('T', ' ')
        .replace(/(\.000)?Z$/, ' UTC');
}

/**
 * The one rule of a pair of query parameters bounding one value (minScore
 * and maxScore, since and until, firstSeenFrom and firstSeenTo, …): the low
 * end may not be above the high one — `strict`: must be below it. Broken,
 * a 400 names both with their values: `minScore (9) is above maxScore (2)`.
 */
export function checkRange<T extends number | Date>(
  low: { name: string; value: T | undefined },
  high: { name: string; value: T | undefined },
  options: { strict?: boolean } = {},
): void {
  if (low.value === undefined || high.value === undefined) return;
  const a = Number(low.value);
  const b = Number(high.value);
  if (a < b || (a === b && !options.strict)) return;
  const number = typeof low.value === 'number';
  const words =
    a === b
      ? `must be ${number ? 'below' : 'before'}`
      : `is ${number ? 'above' : 'after'}`;
  throw new InputError(
    `Invalid query: ${low.name} (${boundText(low.value)}) ${words} ${
      high.name
    } (${boundText(high.value)})`,
  );
}
