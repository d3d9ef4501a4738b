import { z } from 'zod';
import { serverDetailSchema } from './serverJson';

/**
 * One server of the MCP Registry API (v0.1) the backend serves at
 * `/api/mcpeeker/v0.1/servers`: the `server.json` and the registry's `_meta`
 * (the official block, and MCPeeker's own: the entry behind it). What
 * `mcpeeker-agent policy` reads to write clients' managed allowlists.
 *
 * @public
 */
export const registryServerResponseSchema = z
  .object({
    // What the specification allows, not what an import needs: a reader
    // decides what it can do with a server that has neither packages nor remotes.
    server: serverDetailSchema,
    _meta: z
      .object({
        'io.modelcontextprotocol.registry/official': z
          .object({
            status: z.string().max(32),
            isLatest: z.boolean().optional(),
          })
          .passthrough()
          .optional(),
        'io.mcpeeker/registry': z
          .object({
            entryId: z.string().max(200),
            expiresAt: z.string().max(64).optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** A page of `GET /v0.1/servers`: the servers, and the cursor of the next page when there is one. @public */
export const registryServerListSchema = z
  .object({
    servers: z.array(registryServerResponseSchema),
    metadata: z
      .object({
        count: z.number().int().nonnegative().optional(),
        nextCursor: z.string().max(200).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** @public */
export type RegistryServerResponse = z.infer<
  typeof registryServerResponseSchema
>;
/** @public */
export type RegistryServerList = z.infer<typeof registryServerListSchema>;
