import {
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
  RISK_KINDS,
  RiskFact,
  RiskKind,
} from '@mcpeeker/plugin-mcpeeker-common';

const SALT = 'test-salt-0123456789';
export const HOST = hashIdentifier('host-1', SALT);
export const HOST_ADDRESS = hashIdentifier('10.1.2.3', SALT);

/** A valid endpoint event, as an agent would send it. */
export function endpointEvent(
  overrides: {
    port?: number;
    observedAt?: string;
    args?: string[];
    source?: 'config' | 'port';
    owner?: string;
    /** A port probe's tools with their definition hashes (`tools/list`). */
    toolDefinitions?: Array<{ name: string; hash: string }>;
    /** Another host than host-1 (its name, hashed as agents do), with an address of its own. */
    hostName?: string;
    /** The risk facts the report carries. */
    risks?: RiskFact[];
    /** A config entry's file (another file is another piece of evidence). */
    configPath?: string;
  } = {},
): McpEvent {
  const port = overrides.port ?? 3001;
  const host = overrides.hostName
    ? hashIdentifier(overrides.hostName, SALT)
    : HOST;
  const base = {
    layer: 'endpoint' as const,
    observedAt: overrides.observedAt ?? '2026-11-21T10:00:00Z',
    compositeId: compositeId({ hostIdHash: host, port }),
    sensor: {
      id: 'agent-1',
      kind: 'mcpeeker-agent' as const,
      version: '0.1.0',
    },
    host: {
      idHash: host,
      os: 'linux' as const,
      owner: overrides.owner ?? 'user:default/dana',
      addressHashes: [
        overrides.hostName
          ? hashIdentifier(`${overrides.hostName}-address`, SALT)
          : HOST_ADDRESS,
      ],
    },
  };
  if (overrides.source === 'port') {
    return createEvent({
      ...base,
      detection: {
        source: 'port',
        port,
        url: `http://127.0.0.1:${port}/mcp`,
        transport: 'http',
        serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
        tools: overrides.toolDefinitions?.map(t => t.name) ?? ['echo'],
        ...(overrides.toolDefinitions
          ? { toolDefinitions: overrides.toolDefinitions }
          : {}),
        ...(overrides.risks ? { risks: overrides.risks } : {}),
      },
    });
  }
  return createEvent({
    ...base,
    detection: {
      source: 'config',
      client: 'cursor',
      serverName: 'github',
      configPath: overrides.configPath ?? '/home/dana/.cursor/mcp.json',
      scope: 'user',
      transport: 'stdio',
      command: 'npx',
      args: overrides.args ?? ['-y', '@modelcontextprotocol/server-github'],
      ...(overrides.risks ? { risks: overrides.risks } : {}),
    },
  });
}

/** A risk fact of `kind` as the agent reports it, at `jsonPath` in Dana's Cursor config. */
export function riskFact(
  kind: RiskKind,
  evidence: string,
  jsonPath = `$.mcpServers.github.${kind}`,
): RiskFact {
  const { severity, title, fix } = RISK_KINDS[kind];
  return {
    kind,
    severity,
    title,
    evidence,
    fix,
    location: { file: '/home/dana/.cursor/mcp.json', jsonPath },
  };
}

/** The e2e's github server: a token in its env, run by `npx -y`, not in the MCP registry. */
export const GITHUB_RISKS = [
  riskFact(
    'inline-secret',
    'env GITHUB_TOKEN holds a GitHub token',
    '$.mcpServers.github.env.GITHUB_TOKEN',
  ),
  riskFact(
    'unpinned-package',
    'npx runs @modelcontextprotocol/server-github without a version',
    '$.mcpServers.github.args',
  ),
  riskFact(
    'unknown-publisher',
    'the npm package @modelcontextprotocol/server-github is not in the MCP registry snapshot',
    '$.mcpServers.github.command',
  ),
];

/** What a network sensor reports for MCP traffic to host-1:port. */
export function networkEvent(
  overrides: {
    port?: number;
    observedAt?: string;
    severity?: 'low' | 'high';
  } = {},
): McpEvent {
  const port = overrides.port ?? 3001;
  return createEvent({
    layer: 'network',
    observedAt: overrides.observedAt ?? '2026-11-21T10:01:00Z',
    compositeId: compositeId({
      processSignature: `net:${HOST_ADDRESS}:${port}`,
    }),
    sensor: { id: 'zeek-1', kind: 'zeek' },
    flow: {
      srcAddressHash: hashIdentifier('10.9.9.9', SALT),
      dstAddressHash: HOST_ADDRESS,
      dstPort: port,
      transport: 'http',
    },
    mcp: {
      method: 'initialize',
      serverInfo: { name: 'mcp-servers/everything' },
    },
    ...(overrides.severity
      ? {
          signature: {
            id: 'MCP-001',
            name: 'MCP initialize over HTTP',
            severity: overrides.severity,
          },
        }
      : {}),
  });
}

function verdictOf(overrides: {
  judge?: { verdict: 'mcp' | 'not-mcp' | 'uncertain'; confidence: number };
  unjudged?: boolean;
}) {
  if (overrides.unjudged) return {};
  if (!overrides.judge) return { judgeUnavailable: true };
  return {
    judge: {
      ...overrides.judge,
      explanation: 'tool names follow the mcp__<server>__<tool> pattern',
    },
  };
}

/** A gateway request using an MCP server, with or without the Judge's verdict. */
export function gatewayEvent(
  overrides: {
    judge?: { verdict: 'mcp' | 'not-mcp' | 'uncertain'; confidence: number };
    observedAt?: string;
    requestId?: string;
    /** The server it is about (default: github seen at the gateway). */
    compositeId?: string;
    excerpt?: string;
    /** Neither a verdict nor the unavailable flag: for ingest's Judge to decide. */
    unjudged?: boolean;
    /** The github tools the request offers the model, with their definition hashes (bare names). */
    toolDefinitions?: Array<{ name: string; hash: string }>;
  } = {},
): McpEvent {
  return createEvent({
    layer: 'gateway',
    observedAt: overrides.observedAt ?? '2026-11-21T10:02:00Z',
    compositeId:
      overrides.compositeId ??
      compositeId({ processSignature: 'gateway:github' }),
    sensor: { id: 'gw-1', kind: 'llm-gateway' },
    request: {
      requestId: overrides.requestId ?? 'r-1',
      userRef: 'user:default/dana',
      toolNames: overrides.toolDefinitions?.map(
        t => `mcp__github__${t.name}`,
      ) ?? ['mcp__github__create_issue'],
      ...(overrides.toolDefinitions
        ? {
            toolDefinitions: overrides.toolDefinitions.map(t => ({
              name: `mcp__github__${t.name}`,
              hash: t.hash,
            })),
          }
        : {}),
      mcpServers: [{ name: 'github' }],
      ...(overrides.excerpt ? { excerpt: overrides.excerpt } : {}),
    },
    ...verdictOf(overrides),
  });
}
