import { z } from 'zod';
import { EVENT_SCHEMA_VERSION, mcpEventSchema } from './schema';

/**
 * The event schema as JSON Schema (draft 2020-12), for producers that don't
 * run TypeScript (network adapters, gateways). Checked into
 * `docs/events.schema.json`; a test fails when the two drift.
 *
 * @public
 */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://mcpeeker.dev/schemas/events/${EVENT_SCHEMA_VERSION}.json`,
    title: `MCPeeker event, schema version ${EVENT_SCHEMA_VERSION}`,
    ...z.toJSONSchema(mcpEventSchema, {
      target: 'draft-2020-12',
      io: 'input',
    }),
  };
}
