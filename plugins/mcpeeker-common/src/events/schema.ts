import { z } from 'zod';
import { COMPOSITE_ID_PATTERN } from '../identity/compositeId';
import { hostLabelSchema } from '../identity/hostName';
import { MAX_RISK_FACTS, riskFactSchema } from '../risk/risk';

/**
 * Version of the event schema. Producers stamp it on every event; the backend
 * rejects versions it does not know, with the reason.
 *
 * @public
 */
export const EVENT_SCHEMA_VERSION = '1.0';

/** Longest evidence snippet an event may carry, in characters. */
export const MAX_SNIPPET_LENGTH = 1024;

const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 digest');
const shortText = (max: number) => z.string().min(1).max(max);
const portSchema = z.number().int().min(1).max(65535);
/** What the agent found the server can do or how it is set up, each with redacted evidence and a fix (`RISK_KINDS`). */
const risksSchema = z.array(riskFactSchema).max(MAX_RISK_FACTS).optional();

/** @public */
export const layerSchema = z.enum(['endpoint', 'network', 'gateway']);

/** @public */
export const transportSchema = z.enum(['stdio', 'http', 'sse']);

/** @public */
export const evidenceSchema = z
  .object({
    /** What this evidence is: `config-entry`, `process`, `handshake`, `http-request`, `rule`, ... */
    kind: shortText(64),
    /** A redacted excerpt of what was seen, at most 1 KB. */
    snippet: z.string().max(MAX_SNIPPET_LENGTH),
    /** Where it was seen: a file path, a log name, a URL path. */
    location: z.string().max(1024).optional(),
  })
  .strict();

const envelope = {
  schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
  /** SHA-256 of the event's canonical content without `eventId`: a resend is recognisable. */
  eventId: sha256HexSchema,
  /** When the sensor saw it (ISO 8601 with offset). */
  observedAt: z.iso.datetime({ offset: true }),
  /** The MCP server the event is about (see `compositeId`). */
  compositeId: z
    .string()
    .regex(COMPOSITE_ID_PATTERN, 'must be mcp_ followed by 32 hex digits'),
  evidence: z.array(evidenceSchema).max(50).default([]),
};

const sensorSchema = <K extends [string, ...string[]]>(kinds: K) =>
  z
    .object({
      /** Which sensor instance: an agent's install id, a Zeek node, a gateway name. */
      id: shortText(200),
      kind: z.enum(kinds),
      version: shortText(64).optional(),
    })
    .strict();

const serverInfoSchema = z
  .object({ name: shortText(256), version: z.string().max(64).optional() })
  .strict();

const configDetectionSchema = z
  .object({
    source: z.literal('config'),
    /** The MCP client whose config declares it: `claude-desktop`, `cursor`, `vscode`, ... */
    client: shortText(64),
    serverName: shortText(256),
    /** Absolute path of the config file. */
    configPath: shortText(4096),
    scope: z.enum(['user', 'project', 'managed']),
    transport: transportSchema,
    command: z.string().max(4096).optional(),
    args: z.array(z.string().max(4096)).max(256).optional(),
    url: z.string().max(4096).optional(),
    /** Names of the env vars the config sets; never their values. */
    envNames: z.array(shortText(256)).max(256).optional(),
    /** Names of the headers the config sets; never their values. */
    headerNames: z.array(shortText(256)).max(256).optional(),
    /** The client has the entry but turned it off. */
    disabled: z.boolean().optional(),
    /** For entries scoped to one project inside a user file (Claude Code's `projects.<path>`). */
    projectPath: z.string().max(4096).optional(),
    risks: risksSchema,
  })
  .strict();

const processDetectionSchema = z
  .object({
    source: z.literal('process'),
    pid: z.number().int().nonnegative(),
    command: shortText(4096),
    args: z.array(z.string().max(4096)).max(256),
    /** 0..1: how sure the agent is that this process is an MCP server. */
    confidence: z.number().min(0).max(1),
    transport: transportSchema.optional(),
    /** The launcher pattern that matched: `npx`, `uvx`, `docker run`, ... */
    launcher: z.string().max(64).optional(),
    /** The MCP client process that started it, when known. */
    parentClient: z.string().max(64).optional(),
    /** The config entry it was started from, when one matches. */
    configRef: z
      .object({
        client: shortText(64),
        serverName: shortText(256),
        configPath: shortText(4096),
      })
      .strict()
      .optional(),
  })
  .strict();

const portDetectionSchema = z
  .object({
    source: z.literal('port'),
    port: portSchema,
    url: shortText(4096),
    transport: z.enum(['http', 'sse']),
    serverInfo: serverInfoSchema,
    protocolVersion: z.string().max(32).optional(),
    capabilities: z.array(shortText(64)).max(64).optional(),
    /** Names from `tools/list`. */
    tools: z.array(shortText(256)).max(1000),
    /** SHA-256 of the canonical tool definitions: a changed tool set is visible. */
    toolsHash: sha256HexSchema.optional(),
    /** Each tool's definition hash (`toolDefinitionHash`), comparable with a gateway's. */
    toolDefinitions: z
      .array(z.object({ name: shortText(256), hash: sha256HexSchema }).strict())
      .max(1000)
      .optional(),
    risks: risksSchema,
  })
  .strict();

const manifestDetectionSchema = z
  .object({
    source: z.literal('manifest'),
    serverName: shortText(256),
    manifestPath: shortText(4096),
    manifestKind: z.enum(['server.json', 'mcpb', 'package.json', 'pyproject']),
    packageId: z.string().max(512).optional(),
    version: z.string().max(64).optional(),
  })
  .strict();

/** @public */
export const endpointDetectionSchema = z.discriminatedUnion('source', [
  configDetectionSchema,
  processDetectionSchema,
  portDetectionSchema,
  manifestDetectionSchema,
]);

/**
 * How a client on a host is held to the portal's approved servers, as the
 * agent read the machine's managed policy files: `allowlist` (Claude Code's
 * managed `allowedMcpServers`; users may add to it in their own settings),
 * `managed-only` (and `allowManagedMcpServersOnly`: nothing else runs),
 * `fixed` (a managed `managed-mcp.json`: exactly those servers), `registry`
 * (VS Code's `McpGalleryServiceUrl` points at a registry), `registry-only`
 * (and `ChatMCP` is `registry`).
 *
 * @public
 */
export const ENFORCEMENT_MODES = [
  'allowlist',
  'managed-only',
  'fixed',
  'registry',
  'registry-only',
] as const;

/**
 * One client's managed MCP policy on a host: what it enforces, whether
 * `mcpeeker-agent policy` wrote it (else an administrator or another tool
 * did), and how many servers it allows.
 *
 * @public
 */
export const clientEnforcementSchema = z
  .object({
    /** The client: `claude-code`, `vscode`, `gemini-cli`, `qwen-code`. */
    client: shortText(64),
    mode: z.enum(ENFORCEMENT_MODES),
    /** Written by `mcpeeker-agent policy` (and unchanged since). */
    byMcpeeker: z.boolean(),
    /** Servers the policy allows; absent where the policy names a registry instead. */
    allowed: z.number().int().nonnegative().max(100_000).optional(),
    /** When `mcpeeker-agent policy` last wrote it. */
    appliedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * The most servers one scan's inventory names: an agent that read more
 * sends none (and nothing is marked gone on its host).
 *
 * @public
 */
export const MAX_SCAN_CONFIG_IDS = 512;

/**
 * What one scan of an agent read from the clients' configs: the composite id
 * of every server a config entry named (config detections only, whatever
 * else saw them), and the config files it could not use. Stamped by the
 * scan's time (`observedAt` of its events, of its host status). The portal
 * takes a server of this host and owner whose config entries a later scan
 * did not name as no longer reported (docs/scoring.md, "No longer
 * reported"); a scan with an unread config file marks nothing.
 *
 * @public
 */
export const scanInventorySchema = z
  .object({
    configIds: z
      .array(z.string().regex(COMPOSITE_ID_PATTERN, 'must be a composite id'))
      .max(MAX_SCAN_CONFIG_IDS),
    /** Config files (or folders holding them) this scan could not read or parse. */
    unreadConfigs: z.array(shortText(1024)).max(64).default([]),
  })
  .strict();

/** @public */
export const endpointEventSchema = z
  .object({
    ...envelope,
    layer: z.literal('endpoint'),
    sensor: sensorSchema(['mcpeeker-agent']),
    host: z
      .object({
        /** Salted hash of the host id: the clear id never leaves the host. */
        idHash: sha256HexSchema,
        os: z.enum(['linux', 'darwin', 'win32']),
        /** Entity ref of the owner configured on the agent, e.g. `user:default/alice`. */
        owner: z.string().max(256).optional(),
        /** The label the agent's config gives the host (`hostLabel`; opt-in, never its host name). */
        label: hostLabelSchema.optional(),
        /** Salted hashes of the host's interface addresses, to meet network events. */
        addressHashes: z.array(sha256HexSchema).max(64).default([]),
        /**
         * The managed MCP policy each client on this host is under (absent:
         * none, only reporting). See `clientEnforcementSchema`.
         */
        enforcement: z.array(clientEnforcementSchema).max(16).optional(),
      })
      .strict(),
    detection: endpointDetectionSchema,
    /** The scan's inventory (absent from agents that predate it: nothing is marked gone). */
    scan: scanInventorySchema.optional(),
  })
  .strict();

/**
 * What an agent says of its host after each scan, servers found or not: the
 * managed MCP policy each client is under (empty: it only reports). Sent
 * beside the events (`POST /events` with `host`), so a host with no MCP
 * server can still say it enforces; the portal keeps the latest per host.
 *
 * @public
 */
export const hostStatusSchema = z
  .object({
    /** Salted hash of the host id, as in its endpoint events. */
    idHash: sha256HexSchema,
    os: z.enum(['linux', 'darwin', 'win32']),
    /** The owner configured on the agent (the enrolment's owner wins, as for events). */
    owner: z.string().max(256).optional(),
    /** The label the agent's config gives the host, as in its endpoint events. */
    label: hostLabelSchema.optional(),
    enforcement: z.array(clientEnforcementSchema).max(16),
    /** When the agent read the policy files. */
    observedAt: z.iso.datetime({ offset: true }),
    /** The scan's inventory: a scan that found no server says so with an empty one. */
    scan: scanInventorySchema.optional(),
  })
  .strict();

/** @public */
export const networkEventSchema = z
  .object({
    ...envelope,
    layer: z.literal('network'),
    sensor: sensorSchema(['zeek', 'suricata', 'tshark', 'mcpeeker-signature']),
    flow: z
      .object({
        srcAddressHash: sha256HexSchema,
        dstAddressHash: sha256HexSchema,
        dstPort: portSchema,
        transport: z.enum(['http', 'sse', 'websocket', 'unknown']),
        tls: z.boolean().optional(),
      })
      .strict(),
    mcp: z
      .object({
        /** JSON-RPC method seen: `initialize`, `tools/list`, `tools/call`, ... */
        method: z.string().max(128).optional(),
        sessionIdHash: sha256HexSchema.optional(),
        serverInfo: serverInfoSchema.optional(),
        userAgent: z.string().max(256).optional(),
      })
      .strict(),
    signature: z
      .object({
        id: shortText(128),
        name: shortText(256),
        severity: z.enum(['low', 'medium', 'high']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The Judge's verdict on one gateway request: `mcp` (the request uses an MCP
 * server), `not-mcp`, or `uncertain`; who gave it (`claude`, or the
 * deterministic `offline` judge of the embedded default).
 *
 * @public
 */
export const judgeVerdictSchema = z
  .object({
    verdict: z.enum(['mcp', 'not-mcp', 'uncertain']),
    confidence: z.number().min(0).max(1),
    /** Plain-language reasoning for the analyst: two to four sentences. */
    explanation: z.string().max(2000),
    /** The MCP servers the Judge names in the request. */
    servers: z.array(shortText(256)).max(50).optional(),
    /** Who judged: Claude, or the offline (rule-based) judge. */
    judgedBy: z.enum(['claude', 'offline']).optional(),
    model: z.string().max(128).optional(),
  })
  .strict();

/** Which API's request a gateway event was read from. @public */
export const gatewayApiSchema = z.enum([
  'anthropic-messages',
  'openai-chat',
  'litellm',
]);

/** @public */
export const gatewayEventSchema = z
  .object({
    ...envelope,
    layer: z.literal('gateway'),
    sensor: sensorSchema(['llm-gateway']),
    request: z
      .object({
        requestId: shortText(256),
        /** Entity ref of the caller, when the gateway knows it. */
        userRef: z.string().max(256).optional(),
        /** The caller's id as the gateway logged it, hashed as host ids are (`hashIdentifier`). */
        userIdHash: sha256HexSchema.optional(),
        /** The API the request was made to. */
        api: gatewayApiSchema.optional(),
        model: z.string().max(128).optional(),
        /** Tool names in the request, e.g. `mcp__github__create_issue`. */
        toolNames: z.array(shortText(256)).max(1000),
        /** Each tool's definition hash (`toolDefinitionHash`: bare name, description, input schema), by tool name as offered. */
        toolDefinitions: z
          .array(
            z.object({ name: shortText(256), hash: sha256HexSchema }).strict(),
          )
          .max(1000)
          .optional(),
        mcpServers: z
          .array(
            z
              .object({
                name: shortText(256),
                url: z.string().max(4096).optional(),
              })
              .strict(),
          )
          .max(200)
          .default([]),
        /** What the Judge reads: an excerpt of the request, secrets redacted, at most 1 KB. */
        excerpt: z.string().max(MAX_SNIPPET_LENGTH).optional(),
      })
      .strict(),
    /** The Judge's verdict, once it has one; absent when it was unavailable. */
    judge: judgeVerdictSchema.optional(),
    judgeUnavailable: z.boolean().optional(),
    /**
     * The event (its id) whose request this verdict is for, when the Judge
     * answered after that event was stored without one: a verdict, not
     * another request.
     */
    verdictFor: sha256HexSchema.optional(),
  })
  .strict();

/**
 * Any MCPeeker event: one signal from one layer.
 *
 * @public
 */
export const mcpEventSchema = z.discriminatedUnion('layer', [
  endpointEventSchema,
  networkEventSchema,
  gatewayEventSchema,
]);

/** @public */
export type McpEvent = z.infer<typeof mcpEventSchema>;
/** @public */
export type EndpointEvent = z.infer<typeof endpointEventSchema>;
/** @public */
export type NetworkEvent = z.infer<typeof networkEventSchema>;
/** @public */
export type GatewayEvent = z.infer<typeof gatewayEventSchema>;
/** @public */
export type ClientEnforcement = z.infer<typeof clientEnforcementSchema>;
/** @public */
export type HostStatus = z.infer<typeof hostStatusSchema>;
/** @public */
export type ScanInventory = z.infer<typeof scanInventorySchema>;
/** @public */
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];
/** @public */
export type EndpointDetection = z.infer<typeof endpointDetectionSchema>;
/** @public */
export type Layer = z.infer<typeof layerSchema>;
/** @public */
export type Transport = z.infer<typeof transportSchema>;
/** @public */
export type JudgeVerdict = z.infer<typeof judgeVerdictSchema>;
/** @public */
export type McpEventInput = z.input<typeof mcpEventSchema>;
