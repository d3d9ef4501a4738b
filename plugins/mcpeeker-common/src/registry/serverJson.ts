import { z } from 'zod';
import { serverUrlSchema } from './serverUrl';

/**
 * A server as the MCP Registry API specification allows one (its
 * `ServerDetail`), in the parts MCPeeker reads; other fields are kept as
 * they are. Neither packages nor remotes is required, as in the
 * specification: a registry may serve a server known only by name (MCPeeker
 * serves one for an entry identified by host and port). URLs are held to
 * what MCPeeker serves (`serverUrlSchema`).
 *
 * @public
 */
export const serverDetailSchema = z
  .object({
    $schema: z.string().optional(),
    name: z
      .string()
      .min(3, 'must be at least 3 characters')
      .max(200, 'must be at most 200 characters')
      .regex(
        /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/,
        'must be reverse-DNS with one slash, e.g. io.github.acme/weather',
      ),
    description: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
    title: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .optional(),
    // Served to MCP clients and shown as links: never `javascript:` or the like.
    websiteUrl: serverUrlSchema.optional(),
    repository: z
      .object({ url: serverUrlSchema.optional() })
      .passthrough()
      .optional(),
    version: z
      .string()
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters')
      .refine(v => !/^[\^~><=]|\.x$|\*/.test(v) && v !== 'latest', {
        message: 'must be a specific version, not a range',
      }),
    packages: z
      .array(
        z
          .object({
            registryType: z.string().min(1, 'must not be empty'),
            identifier: z.string().min(1, 'must not be empty'),
            version: z.string().min(1, 'must not be empty').optional(),
            transport: z
              .object({
                type: z.enum(['stdio', 'streamable-http', 'sse'], {
                  error: 'must be stdio, streamable-http or sse',
                }),
                url: serverUrlSchema.optional(),
              })
              .passthrough(),
          })
          .passthrough(),
      )
      .optional(),
    remotes: z
      .array(
        z
          .object({
            type: z.enum(['streamable-http', 'sse'], {
              error: 'must be streamable-http or sse',
            }),
            url: serverUrlSchema,
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/**
 * The parts of the official MCP registry's `server.json` MCPeeker reads
 * (https://static.modelcontextprotocol.io/schemas/…/server.schema.json),
 * as an import takes it: something to install or connect to, a package or
 * a remote, is what MCPeeker identifies the server by.
 *
 * @public
 */
export const serverJsonSchema = serverDetailSchema.refine(
  s => (s.packages?.length ?? 0) + (s.remotes?.length ?? 0) > 0,
  { message: 'needs at least one of packages or remotes' },
);
/** @public */
export type ServerJson = z.infer<typeof serverJsonSchema>;
