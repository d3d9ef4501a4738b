import { InputError } from '@backstage/errors';
import {
  findNulCharacter,
  nulCharacterMessage,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';
import { describeIssue } from './queryParameters';

/**
 * The one zod → 400 of the plugin: one InputError naming every field and its
 * reason in words for people (`describeIssue`), an unknown key with the keys there are (`unknown parameter text
 * (known: …, q, …)`), and `hint` after it when the caller should see the
 * expected shape. A NUL character anywhere is refused first, naming its
 * field: PostgreSQL cannot store it, and no text of ours needs it.
 */
export function parseOr400<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
  options: { hint?: string } = {},
): T {
  const nul = findNulCharacter(value);
  if (nul !== undefined)
    throw new InputError(`Invalid ${what}: ${nulCharacterMessage(nul)}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const known =
      schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
    const issues = parsed.error.issues.map(
      issue =>
        describeIssue(issue, schema, value) ??
        `unknown ${what === 'query' ? 'parameter' : 'field'} ${(
          issue as { keys: string[] }
        ).keys.join(', ')}${known ? ` (known: ${known.join(', ')})` : ''}`,
    );
    throw new InputError(
      `Invalid ${what}: ${issues.join('; ')}${
        options.hint ? `; ${options.hint}` : ''
      }`,
    );
  }
  return parsed.data;
}
