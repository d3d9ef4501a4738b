import { z } from 'zod';
import { REGISTRY_STATUSES } from '../registry/registry';

/** apiVersion of MCPeeker's catalog entities. @public */
export const MCP_SERVER_API_VERSION = 'mcpeeker.io/v1alpha1';
/** Kind of an MCP server in the catalog. @public */
export const MCP_SERVER_KIND = 'MCPServer';

/** Events-service topic on which the backend announces registry changes (`{ entryId, action }`). @public */
export const REGISTRY_EVENTS_TOPIC = 'mcpeeker.registry';

/** Annotations MCPeeker puts on MCPServer entities. @public */
export const MCPEEKER_ANNOTATIONS = {
  /** The registry entry this entity stands for. */
  registryEntryId: 'mcpeeker.io/registry-entry-id',
  /**
   * Who submitted the registration (on restricted entities only: who
   * registered an approved server is MCPeeker's to show, to whom may read the entry).
   */
  registeredBy: 'mcpeeker.io/registered-by',
  /** The server name findings carry (what the agent, network or gateway saw). */
  serverName: 'mcpeeker.io/server-name',
  /**
   * Set on entities whose content MCPeeker's permissions keep from the
   * organisation at large (a registration not yet approved, a server only
   * detection knows of): the one entity ref besides analysts and admins that
   * may read the entity. The catalog enforces it through the
   * `IS_MCP_SERVER_ENTITY_VISIBLE` rule. See docs/security.md.
   */
  restrictedTo: 'mcpeeker.io/restricted-to',
} as const;

const entityRef = z
  .string()
  .min(1)
  .regex(
    /^([a-z]+:)?([a-z0-9._-]+\/)?[A-Za-z0-9._-]+$/i,
    'must be an entity ref such as group:default/team-a or team-a',
  );

/**
 * `spec` of an MCPServer entity. Teams may declare their servers in their
 * own catalog-info.yaml with the first block; MCPeeker's provider fills in
 * `registry`. What detection says of a server is not in the entity: it
 * depends on who asks (a developer sees their own endpoints only), so the
 * entity page asks MCPeeker's API as the viewer.
 *
 * @public
 */
export const mcpServerSpecSchema = z
  .object({
    type: z.enum(['local', 'remote']).default('local'),
    lifecycle: z.string().min(1).default('production'),
    owner: entityRef,
    /** The system it belongs to (emits partOf / hasPart). */
    system: entityRef.optional(),
    /** The component it belongs to (emits partOf / hasPart). */
    component: entityRef.optional(),
    /** Unknown for a server only detected by name. */
    transport: z.enum(['stdio', 'http', 'sse']).optional(),
    /** What identifies it, matched against detections. */
    packageId: z.string().min(1).max(214).optional(),
    remoteUrl: z.url({ protocol: /^https?$/ }).optional(),
    serverName: z.string().min(1).max(256).optional(),
    /** Its registry entry, as MCPeeker knows it. */
    registry: z
      .object({
        status: z.enum([...REGISTRY_STATUSES, 'unregistered']),
        entryId: z.string().optional(),
        expiresAt: z.iso.datetime({ offset: true }).optional(),
        purpose: z.string().optional(),
        /** The tools pinned when it was approved, by name (docs/tool-pinning.md). */
        pinnedTools: z.array(z.string().min(1).max(256)).max(1000).optional(),
        pinnedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(s => !(s.system && s.component), {
    message: 'give system or component, not both',
    path: ['component'],
  });

/** @public */
export type McpServerSpec = z.infer<typeof mcpServerSpecSchema>;

/** @public */
export interface McpServerEntity {
  apiVersion: typeof MCP_SERVER_API_VERSION;
  kind: typeof MCP_SERVER_KIND;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    tags?: string[];
    [key: string]: unknown;
  };
  spec: McpServerSpec;
}

/** @public */
export function isMcpServerEntity(entity: {
  apiVersion: string;
  kind: string;
}): boolean {
  return (
    entity.apiVersion === MCP_SERVER_API_VERSION &&
    entity.kind === MCP_SERVER_KIND
  );
}

/**
 * Checks an MCPServer entity's spec; returns the problems as
 * `spec.<field>: <reason>` lines, empty when it is valid.
 *
 * @public
 */
export function mcpServerEntityProblems(entity: { spec?: unknown }): string[] {
  const parsed = mcpServerSpecSchema.safeParse(entity.spec ?? {});
  if (parsed.success) return [];
  return parsed.error.issues.map(
    i => `spec${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`,
  );
}

/** The JSON Schema of the MCPServer spec, for documentation and editors. @public */
export function mcpServerSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mcpServerSpecSchema, { io: 'input' }) as Record<
    string,
    unknown
  >;
}
