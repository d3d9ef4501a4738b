import { MCP_SIGNATURES, McpSignature, SignatureSeverity } from './catalogue';

/** One HTTP header as it was on the wire. */
export interface HttpHeader {
  name: string;
  value: string;
}

/**
 * One HTTP exchange as a sensor saw it: the request, and as much of the
 * answer as has arrived (a legacy SSE stream never ends, so its body is the
 * start of the stream). Bodies are de-chunked and decompressed text.
 */
export interface HttpExchange {
  method: string;
  uri: string;
  requestHeaders: HttpHeader[];
  requestBody: string;
  response?: {
    status?: number;
    headers: HttpHeader[];
    body: string;
  };
}

/** What the signatures say of one exchange. */
export interface ExchangeMatch {
  /** The signatures that fired, in catalogue order. */
  signatures: McpSignature[];
  /** `sse` for the legacy HTTP+SSE transport, else `http` (Streamable HTTP). */
  transport: 'http' | 'sse';
  /** The JSON-RPC method of the request (the first, for a batch). */
  method?: string;
  /** `serverInfo.name` (and version) from an initialize result in the answer. */
  serverInfo?: { name: string; version?: string };
  /** The client's own name from initialize's `clientInfo`. */
  clientInfo?: { name: string; version?: string };
  userAgent?: string;
  /**
   * The Mcp-Session-Id (request, else response), or the legacy transport's
   * `sessionId` query value: hash it before it leaves.
   */
  sessionId?: string;
  /** Where a legacy SSE stream told the client to POST (`data:` of `event: endpoint`). */
  announcedEndpoint?: string;
}

/** What the sensor knows beyond this exchange. */
export interface MatchContext {
  /** The request went to a URL a legacy SSE stream announced (`event: endpoint`). */
  toAnnouncedEndpoint?: boolean;
}

const header = (headers: HttpHeader[], name: string) =>
  headers.find(h => h.name.toLowerCase() === name)?.value;

const JSONRPC = '"jsonrpc"';
const JSONRPC_2 = /"jsonrpc"\s*:\s*"2\.0"/;
const METHOD = /"method"\s*:\s*"([^"\\]{1,128})"/;
const rpcMethod = (name: string) =>
  new RegExp(`"method"\\s*:\\s*"${name.replace('/', '\\/')}"`);
const INITIALIZE = rpcMethod('initialize');
const TOOLS_LIST = rpcMethod('tools/list');
const TOOLS_CALL = rpcMethod('tools/call');
const DATED_REVISION = /^\s*\d{4}-\d{2}-\d{2}\s*$/;
const SSE_ENDPOINT = /(?:^|\n)event:[ \t]?endpoint\r?\ndata:[ \t]?(\S[^\r\n]*)/;

/** The JSON values an answer carries: the body itself, or each SSE event's `data:`. */
function jsonMessages(
  body: string,
  contentType: string | undefined,
): unknown[] {
  const texts = /text\/event-stream/i.test(contentType ?? '')
    ? body.split(/\r?\n\r?\n/).map(event =>
        event
          .split(/\r?\n/)
          .filter(line => line.startsWith('data:'))
          .map(line => line.slice(5).replace(/^ /, ''))
          .join('\n'),
      )
    : [body];
  const messages: unknown[] = [];
  for (const text of texts) {
    if (!text.trim().startsWith('{') && !text.trim().startsWith('[')) continue;
    try {
      const parsed = JSON.parse(text);
      messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    } catch {
      // a cut or non-JSON event: the text signatures still read it
    }
  }
  return messages;
}

function namedInfo(
  value: unknown,
): { name: string; version?: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { name, version } = value as Record<string, unknown>;
  if (typeof name !== 'string' || !name) return undefined;
  return typeof version === 'string' ? { name, version } : { name };
}

function serverInfoOf(messages: unknown[]) {
  for (const message of messages) {
    const result = (message as { result?: Record<string, unknown> })?.result;
    if (result && typeof result === 'object' && 'protocolVersion' in result) {
      const info = namedInfo(result.serverInfo);
      if (info) return info;
    }
  }
  return undefined;
}

function clientInfoOf(body: string) {
  for (const message of jsonMessages(body, 'application/json')) {
    const params = (message as { params?: Record<string, unknown> })?.params;
    if (params && typeof params === 'object') {
      const info = namedInfo(params.clientInfo);
      if (info) return info;
    }
  }
  return undefined;
}

/** The legacy transport's session: the `sessionId` of the URL its stream announced. */
function legacySessionId(target: string): string | undefined {
  try {
    const query = new URL(target.trim(), 'http://server/').searchParams;
    return query.get('sessionId') ?? query.get('session_id') ?? undefined;
  } catch {
    return undefined;
  }
}

const SEVERITY_RANK: Record<SignatureSeverity, number> = {
  high: 3,
  medium: 2,
  low: 1,
};

/** Of the signatures that fired, the one an event names: the most severe, then the first. */
export function strongestSignature(signatures: McpSignature[]): McpSignature {
  return signatures.reduce((best, s) =>
    SEVERITY_RANK[s.severity] > SEVERITY_RANK[best.severity] ? s : best,
  );
}

/**
 * Which of MCPeeker's signatures fire on one HTTP exchange: the same
 * conditions as the Suricata rules and the Zeek script (see the catalogue),
 * on the request line, headers and body and the start of the answer.
 * Undefined when none does. Pure: no clock, no I/O.
 */
export function matchExchange(
  exchange: HttpExchange,
  context: MatchContext = {},
): ExchangeMatch | undefined {
  const method = exchange.method.toUpperCase();
  const body = exchange.requestBody;
  const accept = (
    header(exchange.requestHeaders, 'accept') ?? ''
  ).toLowerCase();
  const requestSessionId = header(exchange.requestHeaders, 'mcp-session-id');
  const protocolVersion = header(
    exchange.requestHeaders,
    'mcp-protocol-version',
  );
  const response = exchange.response;
  const responseType = response && header(response.headers, 'content-type');
  const responseBody = response?.body ?? '';

  const post = method === 'POST';
  const rpc = body.includes(JSONRPC);
  const fired = new Set<string>();
  if (
    post &&
    rpc &&
    INITIALIZE.test(body) &&
    body.includes('"protocolVersion"') &&
    body.includes('"clientInfo"') &&
    !body.includes('"processId"')
  )
    fired.add('MCP-001');
  if (
    responseBody.includes(JSONRPC) &&
    responseBody.includes('"result"') &&
    responseBody.includes('"protocolVersion"') &&
    responseBody.includes('"serverInfo"')
  )
    fired.add('MCP-002');
  if (post && rpc && TOOLS_LIST.test(body)) fired.add('MCP-003');
  if (post && rpc && body.includes('"params"') && TOOLS_CALL.test(body))
    fired.add('MCP-004');
  if (
    post &&
    accept.includes('application/json') &&
    accept.includes('text/event-stream') &&
    JSONRPC_2.test(body)
  )
    fired.add('MCP-005');
  if (requestSessionId !== undefined && accept.includes('text/event-stream'))
    fired.add('MCP-006');
  if (protocolVersion !== undefined && DATED_REVISION.test(protocolVersion))
    fired.add('MCP-007');
  const endpoint =
    method === 'GET' && /text\/event-stream/i.test(responseType ?? '')
      ? SSE_ENDPOINT.exec(responseBody)
      : null;
  if (endpoint) fired.add('MCP-008');

  if (fired.size === 0) return undefined;
  const signatures = MCP_SIGNATURES.filter(s => fired.has(s.id));
  const rpcName = rpc ? METHOD.exec(body)?.[1] : undefined;
  const serverInfo = fired.has('MCP-002')
    ? serverInfoOf(jsonMessages(responseBody, responseType))
    : undefined;
  const clientInfo = fired.has('MCP-001') ? clientInfoOf(body) : undefined;
  const userAgent = header(exchange.requestHeaders, 'user-agent');
  const sessionId =
    requestSessionId ??
    (response && header(response.headers, 'mcp-session-id')) ??
    (endpoint && legacySessionId(endpoint[1])) ??
    (context.toAnnouncedEndpoint ? legacySessionId(exchange.uri) : undefined);
  return {
    signatures,
    transport: endpoint || context.toAnnouncedEndpoint ? 'sse' : 'http',
    ...(rpcName ? { method: rpcName } : {}),
    ...(serverInfo ? { serverInfo } : {}),
    ...(clientInfo ? { clientInfo } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(endpoint ? { announcedEndpoint: endpoint[1].trim() } : {}),
  };
}
