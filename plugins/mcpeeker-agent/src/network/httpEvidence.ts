import type { RemoteHostList, RemoteHostMatch } from './remoteHosts';

/** What a log says of one HTTP request (and its answer), as far as it says. */
export interface HttpRequestSeen {
  method?: string;
  /** The Host header (or a CONNECT target, `host:port`). */
  host?: string;
  /** The request target: a path, or an absolute URL through a proxy. */
  uri?: string;
  userAgent?: string;
  /** Request headers whose values were logged (Suricata `request_headers`, our Zeek script). */
  requestHeaders?: Array<{ name: string; value: string }>;
  /** Request header names without values (Zeek `client_header_names`). */
  requestHeaderNames?: string[];
  /** The request body's type: `application/json`. */
  requestContentType?: string;
  /** The answer's type: `text/event-stream` for an SSE stream. */
  responseContentType?: string;
}

/** Why a request was taken for MCP, hint by hint. */
export interface HttpMcpEvidence {
  transport: 'http' | 'sse';
  hints: string[];
  /** The Mcp-Session-Id value, when it was logged (to be hashed, never sent). */
  sessionId?: string;
  /** The known remote MCP server the request went to, when it went to one. */
  remote?: RemoteHostMatch;
}

/**
 * User agents only MCP clients send: the MCP proxies and the hosted
 * connectors of the big assistants. A generic HTTP library's agent
 * (`node`, `python-httpx`) says nothing.
 */
const MCP_CLIENT_AGENTS: Array<[RegExp, string]> = [
  [/^mcp-remote\//i, 'mcp-remote'],
  [/^openai-mcp\//i, "OpenAI's MCP connector"],
  [/^claude-user\b/i, "Anthropic's MCP connector"],
  [/^claude-code\//i, 'Claude Code'],
  [/\bmcp[-_ ]?(client|inspector)\b/i, 'an MCP client'],
  [/\bmodelcontextprotocol\b/i, 'an MCP SDK client'],
];

/** Any of them, in one pass: most user agents are none. */
const ANY_MCP_CLIENT_AGENT = new RegExp(
  MCP_CLIENT_AGENTS.map(([pattern]) => `(?:${pattern.source})`).join('|'),
  'i',
);

/** A log holds few distinct user agents, each many times: each is tested once. */
const agentVerdicts = new Map<string, boolean>();

function isMcpClientAgent(userAgent: string): boolean {
  let verdict = agentVerdicts.get(userAgent);
  if (verdict === undefined) {
    verdict = ANY_MCP_CLIENT_AGENT.test(userAgent);
    if (agentVerdicts.size >= 4096) agentVerdicts.clear();
    agentVerdicts.set(userAgent, verdict);
  }
  return verdict;
}

/** The known MCP client a user agent names, if any. */
export function mcpClientOfUserAgent(userAgent: string): string | undefined {
  if (!ANY_MCP_CLIENT_AGENT.test(userAgent)) return undefined;
  return MCP_CLIENT_AGENTS.find(([pattern]) => pattern.test(userAgent))?.[1];
}

/**
 * Whether a request could be MCP evidence at all, from its cheapest parts:
 * most of a log is GETs of pages and files with none of MCP's marks, and
 * those are let go before anything else is looked at. False only when
 * `httpMcpEvidence` would say no.
 */
export function mayBeMcpRequest(
  method: string | undefined,
  uri: string | undefined,
  headerNames: string | undefined,
  userAgent: string | undefined,
  host: string | undefined,
  hosts?: RemoteHostList,
): boolean {
  if (method !== 'GET' && method !== 'get') return true;
  if (headerNames && /mcp-/i.test(headerNames)) return true;
  // An MCP-looking path; or through a proxy, an absolute URI whose host is in it.
  if (uri && /sse|mcp|message|^https?:/i.test(uri)) return true;
  if (userAgent && isMcpClientAgent(userAgent)) return true;
  return host !== undefined && hosts !== undefined && hosts.knows(host);
}

function pathOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  if (/^https?:\/\//i.test(uri)) {
    try {
      return new URL(uri).pathname;
    } catch {
      return undefined;
    }
  }
  return uri.startsWith('/') ? uri : undefined;
}

function hostOf(request: HttpRequestSeen): string | undefined {
  if (request.uri && /^https?:\/\//i.test(request.uri)) {
    try {
      return new URL(request.uri).host;
    } catch {
      // fall back to the Host header
    }
  }
  return request.host;
}

/** A hint's weight: strong alone makes half the bar, weak ones only add up. */
const STRONG = 2;
const MEDIUM = 1;
const WEAK = 0.5;
/** What the hints must add up to, with at least two of them. */
const BAR = 2;

/**
 * Whether one HTTP request, as a log line tells it, is MCP: only with
 * several hints together — an `Mcp-Session-Id` or `MCP-Protocol-Version`
 * header on a request, `Accept: application/json, text/event-stream` on a
 * JSON POST to an MCP-looking path, an SSE stream answering `GET …/sse`
 * for a known MCP client — or when it goes to a known remote MCP server.
 * A single weak hint (a path, a port, a JSON POST) is never enough:
 * JSON-RPC (a language server, Ethereum's `eth_*`) and REST look alike.
 */
export function httpMcpEvidence(
  request: HttpRequestSeen,
  hosts?: RemoteHostList,
): HttpMcpEvidence | undefined {
  const method = request.method?.toUpperCase();
  const path = pathOf(request.uri);
  const host = hostOf(request);
  // A CONNECT's target is host:port, with no path: the name alone.
  const remote = host
    ? hosts?.match(host, method === 'CONNECT' ? undefined : path)
    : undefined;

  const hints: string[] = [];
  let weight = 0;
  const hint = (w: number, text: string) => {
    weight += w;
    hints.push(text);
  };
  let sessionId: string | undefined;
  const headerNames = new Set(
    (request.requestHeaderNames ?? []).map(n => n.toLowerCase()),
  );
  let accept: string | undefined;
  for (const { name, value } of request.requestHeaders ?? []) {
    const lower = name.toLowerCase();
    headerNames.add(lower);
    if (lower === 'mcp-session-id' && value) sessionId = value;
    if (lower === 'accept') accept = value.toLowerCase();
  }
  if (headerNames.has('mcp-session-id')) hint(STRONG, 'Mcp-Session-Id header');
  if (headerNames.has('mcp-protocol-version'))
    hint(STRONG, 'MCP-Protocol-Version header');
  const client = request.userAgent
    ? mcpClientOfUserAgent(request.userAgent)
    : undefined;
  if (client) hint(MEDIUM, `user agent of ${client}`);
  const jsonBody = /\bjson\b/i.test(request.requestContentType ?? '');
  const sseAnswer = /text\/event-stream/i.test(
    request.responseContentType ?? '',
  );
  if (
    method === 'POST' &&
    accept?.includes('application/json') &&
    accept.includes('text/event-stream')
  )
    hint(MEDIUM, 'POST accepting application/json and text/event-stream');
  if (method === 'GET' && sseAnswer && path && /\/sse\/?$/i.test(path))
    hint(MEDIUM, 'GET …/sse answered by an event stream');
  else if (path && /\/(mcp|sse)(\/|$)/i.test(path))
    hint(WEAK, `path ${path.replace(/[?#].*$/, '')}`);
  if (
    method === 'POST' &&
    path &&
    /\/messages?\/?\?(.*&)?session_?id=/i.test(request.uri ?? '')
  )
    hint(WEAK, 'POST …/message?sessionId= (legacy SSE transport)');
  if (method === 'POST' && jsonBody) hint(WEAK, 'POST with a JSON body');

  const enough = weight >= BAR && hints.length >= 2;
  if (!enough && !remote) return undefined;
  if (remote)
    hints.unshift(
      `${remote.by === 'name' ? 'host' : 'host and path'} of ${
        remote.name
      }, a known remote MCP server`,
    );
  const transport =
    sseAnswer ||
    (method === 'GET' && path && /\/sse\/?$/i.test(path)) ||
    /\/messages?\/?\?/i.test(request.uri ?? '')
      ? 'sse'
      : 'http';
  return {
    transport,
    hints,
    ...(sessionId ? { sessionId } : {}),
    ...(remote ? { remote } : {}),
  };
}
