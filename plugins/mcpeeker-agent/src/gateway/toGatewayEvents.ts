import {
  canonicalJson,
  compositeId,
  createEvent,
  GatewayEvent,
  hashIdentifier,
  MAX_SNIPPET_LENGTH,
  normalizeServerUrl,
  redactSecrets,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';
import { GatewayRequest, textStart } from './gatewayRequest';

/** Who reads the log: the salt of the fleet, the sensor the events name. */
export interface GatewayEventContext {
  salt: string;
  sensor: { id: string; version: string };
  /** When the gateway saw a request whose log line does not say. */
  now: () => Date;
}

const MAX_TOOL_NAMES = 1000;
const cut = (text: string, max: number) =>
  text.length > max ? text.slice(0, max) : text;

/** What NUL would make the backend refuse: not in any field we copy. */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.split('\u0000').join('') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withoutNul(v)]),
    ) as T;
  return value;
}

/** A server's URL as identity: normalised (no credentials, query, fragment), then redacted. */
function serverUrl(url: string | undefined, salt: string): string | undefined {
  if (url === undefined) return undefined;
  let normalized: string;
  try {
    normalized = normalizeServerUrl(url);
  } catch {
    return undefined;
  }
  const redacted = redactSecrets(normalized, { salt }).value;
  return redacted.length <= 4096 ? redacted : undefined;
}

interface EventServer {
  name: string;
  url?: string;
  toolNames: string[];
}

/**
 * What the Judge reads of the request, for one server: the model, the server
 * and its tools with the start of their descriptions, the request's other
 * servers and tools by name, the start of the last user message. Redacted,
 * then cut to 1 KB.
 */
function excerptOf(
  request: GatewayRequest,
  server: EventServer | undefined,
  toolNames: string[],
  salt: string,
): string {
  const descriptions = new Map(request.tools.map(t => [t.name, t.description]));
  const lines = [
    `${request.api} request${request.model ? ` to ${request.model}` : ''}`,
  ];
  if (server)
    lines.push(
      `MCP server ${server.name}${server.url ? ` at ${server.url}` : ''}`,
    );
  else lines.push('no MCP server named');
  for (const name of toolNames) {
    const description = descriptions.get(name);
    lines.push(
      `- ${name}${
        description
          ? `: ${textStart(description.replace(/\s+/g, ' '), 160)}`
          : ''
      }`,
    );
  }
  const otherServers = request.servers
    .map(s => s.name)
    .filter(name => name !== server?.name);
  if (otherServers.length)
    lines.push(`other MCP servers: ${otherServers.join(', ')}`);
  const shown = new Set(toolNames);
  const otherTools = [
    ...new Set([...request.tools.map(t => t.name), ...request.calledToolNames]),
  ].filter(name => !shown.has(name));
  if (otherTools.length) lines.push(`other tools: ${otherTools.join(', ')}`);
  if (request.lastUserText)
    lines.push(
      `user: ${textStart(request.lastUserText.replace(/\s+/g, ' '), 400)}`,
    );
  // Redacted whole, then cut: a cut must never leave part of a secret.
  const excerpt = redactSecrets(lines.join('\n'), { salt }).value;
  return excerpt.length > MAX_SNIPPET_LENGTH
    ? `${excerpt.slice(0, MAX_SNIPPET_LENGTH - 1)}…`
    : excerpt;
}

/**
 * The gateway events of one request: one per MCP server it names (by an
 * `mcp_servers` entry, an MCP toolset or tool call, an `mcp__<server>__<tool>`
 * tool name), all with the request's id; or, when it has tools but names no
 * MCP server, one event keyed by its tool set, for the Judge to classify.
 * None when it has no tools at all. The Judge's verdict is never set here:
 * the backend asks the Judge.
 */
export function toGatewayEvents(
  request: GatewayRequest,
  context: GatewayEventContext,
): GatewayEvent[] {
  const { salt } = context;
  const definitions = new Map(request.tools.map(t => [t.name, t]));
  const allToolNames = [
    ...new Set([...request.tools.map(t => t.name), ...request.calledToolNames]),
  ];
  const targets: Array<{ server?: EventServer; identity: string }> = [];
  for (const server of [...request.servers].sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const url = serverUrl(server.url, salt);
    targets.push({
      server: { name: server.name, url, toolNames: server.toolNames },
      identity: url ?? `gateway:${server.name.toLowerCase()}`,
    });
  }
  if (targets.length === 0 && allToolNames.length > 0) {
    const toolSet = sha256Hex(canonicalJson([...allToolNames].sort()));
    targets.push({ identity: `gateway:tools:${toolSet.slice(0, 16)}` });
  }

  const base = {
    requestId: cut(
      request.requestId ?? `sha256:${request.contentHash.slice(0, 32)}`,
      256,
    ),
    ...(request.userId
      ? { userIdHash: hashIdentifier(request.userId, salt) }
      : {}),
    api: request.api,
    ...(request.model ? { model: cut(request.model, 128) } : {}),
  };
  const observedAt = request.observedAt ?? context.now().toISOString();
  return targets.map(({ server, identity }) => {
    const toolNames = (
      server ? server.toolNames : [...allToolNames].sort()
    ).slice(0, MAX_TOOL_NAMES);
    const toolDefinitions = toolNames
      .filter(name => definitions.has(name))
      .map(name => ({
        name: cut(name, 256),
        hash: definitions.get(name)!.hash,
      }));
    // Everything copied from the log goes through the one redaction function,
    // as the backend will do again.
    const fields = redactSecrets(
      withoutNul({
        ...base,
        toolNames: toolNames.map(name => cut(name, 256)),
        ...(toolDefinitions.length ? { toolDefinitions } : {}),
        mcpServers: server
          ? [
              {
                name: cut(server.name, 256),
                ...(server.url ? { url: server.url } : {}),
              },
            ]
          : [],
        excerpt: excerptOf(request, server, toolNames, salt),
      }),
      { salt },
    ).value;
    return createEvent({
      layer: 'gateway',
      observedAt,
      compositeId: compositeId({ processSignature: identity }),
      sensor: {
        id: context.sensor.id,
        kind: 'llm-gateway',
        version: context.sensor.version,
      },
      request: fields,
    }) as GatewayEvent;
  });
}
