import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Turns a zod failure into one 400 naming each field and its reason. */
export function parseOr400<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
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
