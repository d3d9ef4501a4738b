import { mockApis } from '@backstage/frontend-test-utils';
import type {
  Finding,
  FindingDetail,
  GatewayEvent,
  McpEvent,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';

/** A finding as the API returns it. */
export const finding: Finding = {
  compositeId: 'mcp_0123456789abcdef0123456789abcdef',
  serverName: 'github',
  hostIdHash: 'a'.repeat(64),
  owner: 'user:default/dana',
  owners: ['user:default/dana'],
  score: 9,
  classification: 'unauthorized',
  layers: ['endpoint', 'network'],
  registryStatus: 'unregistered',
  judgeUnavailable: false,
  triage: { status: 'open' },
  firstSeen: '2026-11-21T10:00:00.000Z',
  lastSeen: '2026-11-21T10:01:00.000Z',
  breakdown: {
    score: 9,
    classification: 'unauthorized',
    contributions: [
      {
        layer: 'endpoint',
        points: 6,
        reason: 'the endpoint agent saw it (config ×1)',
      },
      {
        layer: 'network',
        points: 3,
        reason: 'MCP traffic on the network (traffic ×1)',
      },
    ],
    rules: [
      {
        id: 'MCP-EP-001',
        name: 'Reference MCP server package',
        severity: 'low',
        tags: ['reference-server'],
        count: 1,
        reason:
          'rule MCP-EP-001 "Reference MCP server package" (low) matched ×1',
      },
    ],
    tags: ['reference-server'],
  },
  signals: {
    counts: { endpoint: { config: 1 }, network: { traffic: 1 } },
    judgeUnavailable: false,
    highSeveritySignatures: 0,
  },
};

/** The agent's event behind it. */
export const endpointEvidence: McpEvent = {
  schemaVersion: '1.0',
  eventId: 'e'.repeat(64),
  layer: 'endpoint',
  observedAt: '2026-11-21T10:00:00Z',
  compositeId: finding.compositeId,
  sensor: { id: 'agent-1', kind: 'mcpeeker-agent' },
  evidence: [
    {
      kind: 'config-entry',
      snippet: 'cursor github: npx -y @modelcontextprotocol/server-github',
    },
  ],
  host: { idHash: 'a'.repeat(64), os: 'linux', addressHashes: [] },
  detection: {
    source: 'config',
    client: 'cursor',
    serverName: 'github',
    configPath: '/home/dana/.cursor/mcp.json',
    scope: 'user',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-github'],
  },
};

/** The finding with the agent's event behind it, as `GET /findings/:id` returns it. */
export const findingDetail: FindingDetail = {
  ...finding,
  evidence: { endpoint: [endpointEvidence], network: [], gateway: [] },
  detections: [
    {
      layer: 'endpoint',
      windowStart: '2026-11-21T10:00:00.000Z',
      eventCount: 1,
      firstSeen: '2026-11-21T10:00:00.000Z',
      lastSeen: '2026-11-21T10:00:00.000Z',
    },
  ],
};

/** A gateway's request for the finding's server, as the offline judge judged it. */
export const gatewayEvidence = (
  overrides: Partial<GatewayEvent> = {},
): GatewayEvent => ({
  schemaVersion: '1.0',
  eventId: 'f'.repeat(64),
  layer: 'gateway',
  observedAt: '2026-11-21T10:02:00Z',
  compositeId: finding.compositeId,
  sensor: { id: 'llm-proxy', kind: 'llm-gateway' },
  evidence: [],
  request: {
    requestId: 'req-1',
    api: 'anthropic-messages',
    model: 'claude-sonnet-4-5',
    toolNames: ['mcp__github__create_issue'],
    mcpServers: [{ name: 'github' }],
    excerpt:
      'anthropic-messages request to claude-sonnet-4-5\nMCP server github\n- mcp__github__create_issue: Create a new issue\nuser: Open an issue for the flaky login test.',
  },
  judge: {
    verdict: 'mcp',
    confidence: 0.95,
    servers: ['github'],
    explanation:
      "Offline judge (rule-based, no model was asked): The request offers 1 tool of the MCP server 'github'.",
    judgedBy: 'offline',
  },
  ...overrides,
});

/** An ISO date so many days from now. */
export const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString();
/** A registry entry as the API returns it. */
export const registryEntry = (
  overrides: Partial<RegistryEntry> = {},
): RegistryEntry => ({
  id: 'e1',
  name: 'github',
  owner: 'user:default/dana',
  team: 'group:default/team-a',
  purpose: 'Triages GitHub issues',
  identity: { compositeId: finding.compositeId },
  transport: 'stdio',
  expiresAt: inDays(90),
  status: 'pending',
  createdBy: 'user:default/dana',
  createdAt: inDays(-1),
  updatedAt: inDays(-1),
  ...overrides,
});
/** Dana, a developer in team-a. */
export const demoIdentity = mockApis.identity({
  userEntityRef: 'user:default/dana',
  ownershipEntityRefs: ['user:default/dana', 'group:default/team-a'],
});
