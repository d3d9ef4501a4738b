import { InputError } from '@backstage/errors';
import {
  findNulCharacter,
  nulCharacterMessage,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';

/**
 * Turns a zod failure into one 400 naming each field and its reason. A NUL
 * character anywhere is refused first, naming its field: PostgreSQL cannot
 * store it, and no text of ours needs it.
 */
export function parseOr400<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const nul = findNulCharacter(value);
  if (nul !== undefined)
    throw new InputError(`Invalid ${what}: ${nulCharacterMessage(nul)}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${what}: ${parsed.error.issues
        .map(i => `${i.path.join('.') || '(body)'} ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
