/**
 * The one list of MCPeeker's MCP-over-HTTP signatures. The Suricata rules
 * (`signatures/mcp.rules`), the Zeek script (`signatures/mcp.zeek`), the
 * tshark sensor (`matchExchange`) and docs/network.md all name these ids,
 * sids, names and severities; a test fails when one of them drifts.
 *
 * No signature fires on one weak hint (a port, a path, a bare `initialize`):
 * each needs either an MCP-only field name beside JSON-RPC, or two
 * independent MCP-specific hints.
 */

/** How much a signature says on its own, as the network event carries it. */
export type SignatureSeverity = 'low' | 'medium' | 'high';

export interface McpSignature {
  /** MCPeeker's id, the network event's `signature.id` and Zeek's `sig_id`. */
  id: string;
  /** Suricata sid, in MCPeeker's block 1910001–1910999 of the local-use range. */
  sid: number;
  /** Suricata rev: raised whenever the rule's match changes. */
  rev: number;
  /** The network event's `signature.name`, Suricata's msg after `MCPeeker <id> `, Zeek's `sig_name`. */
  name: string;
  severity: SignatureSeverity;
  /** What the signature matches, in words. */
  matches: string;
  /** What else could match it, and how likely that is. */
  falsePositiveRisk: string;
  /** `low`, `medium` or `high`: the value of the rule's `false_positive_risk` metadata. */
  falsePositiveLevel: SignatureSeverity;
}

export const MCP_SIGNATURES: readonly McpSignature[] = [
  {
    id: 'MCP-001',
    sid: 1910001,
    rev: 1,
    name: 'MCP initialize request over HTTP',
    severity: 'high',
    matches:
      'An HTTP POST whose JSON-RPC body calls "method":"initialize" with both "protocolVersion" and "clientInfo" in its params, and no "processId" (the first message of every MCP session).',
    falsePositiveRisk:
      "Low. A language server's initialize carries clientInfo too, but never protocolVersion, and always processId/rootUri; other JSON-RPC APIs with an initialize method lack MCP's field pair. A document that quotes an MCP handshake inside a POST body (a pastebin, a bug report) would match.",
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-002',
    sid: 1910002,
    rev: 1,
    name: 'MCP initialize result over HTTP',
    severity: 'high',
    matches:
      'An HTTP response (JSON, or an SSE "message" event) whose JSON-RPC result has both "protocolVersion" and "serverInfo": the server answering initialize, naming itself.',
    falsePositiveRisk:
      "Low. A language server's initialize result may have serverInfo but never protocolVersion; a page documenting MCP served as JSON could match.",
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-003',
    sid: 1910003,
    rev: 1,
    name: 'MCP tools/list request over HTTP',
    severity: 'medium',
    matches:
      'An HTTP POST whose JSON-RPC 2.0 body calls "method":"tools/list".',
    falsePositiveRisk:
      "Low. tools/list is MCP's method name; another JSON-RPC API would have to name a method the same way.",
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-004',
    sid: 1910004,
    rev: 1,
    name: 'MCP tools/call request over HTTP',
    severity: 'high',
    matches:
      'An HTTP POST whose JSON-RPC 2.0 body calls "method":"tools/call" with params: a tool being run through MCP.',
    falsePositiveRisk:
      "Low. tools/call is MCP's method name; another JSON-RPC API would have to name a method the same way.",
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-005',
    sid: 1910005,
    rev: 1,
    name: 'MCP Streamable HTTP request (JSON-RPC accepting an event stream)',
    severity: 'low',
    matches:
      'An HTTP POST with a JSON-RPC 2.0 body whose Accept header lists both application/json and text/event-stream, as the Streamable HTTP transport requires of every client message.',
    falsePositiveRisk:
      'Medium. Another JSON-RPC API that streams answers as server-sent events would send the same pair; the Accept header alone is never used, and Ethereum or language-server clients do not ask for an event stream.',
    falsePositiveLevel: 'medium',
  },
  {
    id: 'MCP-006',
    sid: 1910006,
    rev: 1,
    name: 'MCP session header on an MCP request',
    severity: 'medium',
    matches:
      'An HTTP request carrying an Mcp-Session-Id header whose Accept header asks for text/event-stream (every Streamable HTTP request after initialize, and its GET stream).',
    falsePositiveRisk:
      'Low. The header is defined by MCP alone; a non-MCP service would have to send it with an event-stream Accept.',
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-007',
    sid: 1910007,
    rev: 1,
    name: 'MCP protocol version header',
    severity: 'medium',
    matches:
      'An HTTP request with an MCP-Protocol-Version header whose value is a dated MCP revision (YYYY-MM-DD), sent by clients after initialize.',
    falsePositiveRisk:
      'Low. The header is defined by MCP alone, and its value must look like an MCP revision.',
    falsePositiveLevel: 'low',
  },
  {
    id: 'MCP-008',
    sid: 1910008,
    rev: 1,
    name: 'MCP legacy SSE endpoint announcement',
    severity: 'medium',
    matches:
      'An HTTP GET (usually …/sse) answered with Content-Type text/event-stream whose stream announces "event: endpoint" with a "data:" URL: the HTTP+SSE transport of MCP 2024-11-05 telling the client where to POST.',
    falsePositiveRisk:
      'Low. Server-sent events are common, but an event named "endpoint" first in the stream is the legacy MCP transport\'s; the /sse path alone is never used.',
    falsePositiveLevel: 'low',
  },
];

/** The catalogue entry of an id; throws on an id that is not in it. */
export function signatureById(id: string): McpSignature {
  const signature = MCP_SIGNATURES.find(s => s.id === id);
  if (!signature) throw new Error(`no MCP signature ${id}`);
  return signature;
}
