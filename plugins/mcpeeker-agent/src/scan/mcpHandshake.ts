import {
  canonicalJson,
  sha256Hex,
  toolDefinitionHash,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { FoundFact } from '../risk/riskFact';
import { shellToolRisks, toolPoisoningRisks } from '../risk/toolRisks';

/** What an MCP server says about itself in the handshake. */
export interface HandshakeResult {
  url: string;
  transport: 'http' | 'sse';
  serverInfo: { name: string; version?: string };
  protocolVersion?: string;
  /** Names of the capabilities the server announces (`tools`, `resources`, ...). */
  capabilities: string[];
  /** Tool names from `tools/list`. */
  tools: string[];
  /** SHA-256 of the canonical tool definitions (name, description, input schema). */
  toolsHash?: string;
  /** Each tool's definition hash (`toolDefinitionHash`), comparable with a gateway's. */
  toolDefinitions?: Array<{ name: string; hash: string }>;
  /** Tool poisoning and shell tools, read from the tool list (the descriptions themselves are not kept). */
  risks?: FoundFact[];
}

const PROTOCOL_VERSION = '2025-06-18';
const CLIENT_INFO = { name: 'mcpeeker-agent', version: '0.1.0' };
const MAX_BODY = 4 * 1024 * 1024;

const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: CLIENT_INFO,
  },
};
const initializedNotification = {
  jsonrpc: '2.0',
  method: 'notifications/initialized',
};
const toolsListRequest = {
  jsonrpc: '2.0',
  id: 2,
  method: 'tools/list',
  params: {},
};

type JsonRpcMessage = {
  id?: number | string;
  result?: any;
  error?: any;
  method?: string;
};

/** Parses `event:`/`data:` blocks of a text/event-stream. */
export function parseSseEvents(
  text: string,
): Array<{ event: string; data: string }> {
  const events: Array<{ event: string; data: string }> = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:'))
        data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

async function readLimited(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length > MAX_BODY) {
      await reader.cancel();
      break;
    }
  }
  return text;
}

/** The JSON-RPC messages of a Streamable HTTP response, JSON or SSE. */
async function messagesOf(response: Response): Promise<JsonRpcMessage[]> {
  const type = response.headers.get('content-type') ?? '';
  const text = await readLimited(response);
  const parse = (s: string) => {
    try {
      const value = JSON.parse(s);
      return Array.isArray(value) ? value : [value];
    } catch {
      return [];
    }
  };
  if (type.includes('text/event-stream')) {
    return parseSseEvents(text)
      .filter(e => e.event === 'message')
      .flatMap(e => parse(e.data));
  }
  return parse(text);
}

function describe(
  result: any,
  url: string,
  transport: 'http' | 'sse',
): HandshakeResult | undefined {
  const info = result?.serverInfo;
  if (!info || typeof info.name !== 'string') return undefined;
  return {
    url,
    transport,
    serverInfo: {
      name: String(info.name).slice(0, 256),
      ...(typeof info.version === 'string'
        ? { version: info.version.slice(0, 64) }
        : {}),
    },
    ...(typeof result.protocolVersion === 'string'
      ? { protocolVersion: result.protocolVersion.slice(0, 32) }
      : {}),
    capabilities:
      result.capabilities && typeof result.capabilities === 'object'
        ? Object.keys(result.capabilities).slice(0, 64)
        : [],
    tools: [],
  };
}

function withTools(result: HandshakeResult, toolsResult: any): HandshakeResult {
  const tools: any[] = Array.isArray(toolsResult?.tools)
    ? toolsResult.tools
    : [];
  const definitions = tools
    .filter(t => t && typeof t.name === 'string')
    .map(t => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const risks = [
    ...toolPoisoningRisks(definitions),
    ...shellToolRisks(definitions),
  ];
  return {
    ...result,
    ...(risks.length > 0 ? { risks } : {}),
    tools: definitions.map(t => String(t.name).slice(0, 256)).slice(0, 1000),
    ...(definitions.length > 0
      ? {
          toolsHash: sha256Hex(canonicalJson(definitions)),
          toolDefinitions: definitions.slice(0, 1000).map(t => ({
            name: String(t.name).slice(0, 256),
            hash: toolDefinitionHash(t),
          })),
        }
      : {}),
  };
}

/**
 * Streamable HTTP: POST `initialize`, then `notifications/initialized` and
 * `tools/list` in the session the server returned (`Mcp-Session-Id`), then
 * ends the session. Never calls a tool.
 */
export async function probeStreamableHttp(
  url: string,
  timeoutMs: number,
): Promise<HandshakeResult | undefined> {
  // Deadlines on a timer that keeps the process alive (AbortSignal.timeout
  // does not: a silent port could end the scan early with nothing printed).
  const controller = new AbortController();
  const abort = () =>
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  let timer = setTimeout(abort, timeoutMs);
  const post = (body: unknown, sessionId?: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': PROTOCOL_VERSION,
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: controller.signal,
    });
  try {
    const response = await post(initializeRequest);
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const sessionId = response.headers.get('mcp-session-id') ?? undefined;
    const init = (await messagesOf(response)).find(m => m.id === 1);
    const described = describe(init?.result, url, 'http');
    if (!described) return undefined;
    // An MCP server: give the tool list its own time.
    clearTimeout(timer);
    timer = setTimeout(abort, timeoutMs * 2);
    try {
      await (await post(initializedNotification, sessionId)).body?.cancel();
      const toolsResponse = await post(toolsListRequest, sessionId);
      const tools = (await messagesOf(toolsResponse)).find(m => m.id === 2);
      return withTools(described, tools?.result);
    } catch {
      return described;
    } finally {
      if (sessionId) {
        await fetch(url, {
          method: 'DELETE',
          headers: { 'mcp-session-id': sessionId },
          signal: controller.signal,
        })
          .then(r => r.body?.cancel())
          .catch(() => undefined);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Legacy HTTP+SSE: GET the SSE URL, wait for the `endpoint` event, POST
 * `initialize` and `tools/list` there and read the answers on the stream.
 */
export async function probeLegacySse(
  url: string,
  timeoutMs: number,
): Promise<HandshakeResult | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
      redirect: 'manual',
    });
    if (
      !response.ok ||
      !(response.headers.get('content-type') ?? '').includes(
        'text/event-stream',
      ) ||
      !response.body
    ) {
      await response.body?.cancel();
      return undefined;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const pending: Array<{ event: string; data: string }> = [];
    const nextEvent = async (): Promise<
      { event: string; data: string } | undefined
    > => {
      for (;;) {
        if (pending.length > 0) return pending.shift();
        const split = buffer.search(/\r?\n\r?\n/);
        if (split >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split).replace(/^\r?\n\r?\n/, '');
          pending.push(...parseSseEvents(`${block}\n\n`));
          continue;
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
        if (buffer.length > MAX_BODY) return undefined;
      }
    };
    const waitFor = async (
      predicate: (e: { event: string; data: string }) => boolean,
    ) => {
      for (let e = await nextEvent(); e; e = await nextEvent())
        if (predicate(e)) return e;
      return undefined;
    };
    const endpoint = await waitFor(e => e.event === 'endpoint');
    if (!endpoint) return undefined;
    const postUrl = new URL(endpoint.data.trim(), url);
    // The endpoint must stay on the server that was probed.
    if (postUrl.origin !== new URL(url).origin) return undefined;
    const post = async (body: unknown) => {
      const r = await fetch(postUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      await r.body?.cancel();
    };
    const answer = async (id: number) => {
      const e = await waitFor(
        ev =>
          ev.event === 'message' &&
          (() => {
            try {
              return JSON.parse(ev.data).id === id;
            } catch {
              return false;
            }
          })(),
      );
      return e ? JSON.parse(e.data) : undefined;
    };
    await post(initializeRequest);
    const init = await answer(1);
    const described = describe(init?.result, url, 'sse');
    if (!described) return undefined;
    await post(initializedNotification);
    await post(toolsListRequest);
    const tools = await answer(2).catch(() => undefined);
    await reader.cancel().catch(() => undefined);
    return withTools(described, tools?.result);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Paths an MCP server usually listens on, per transport. */
export const STREAMABLE_HTTP_PATHS = [
  '/mcp',
  '/',
  '/mcp/',
  '/api/mcp',
  '/v1/mcp',
];
export const LEGACY_SSE_PATHS = ['/sse', '/mcp/sse'];

/** Tries the usual paths of both transports on one origin; the first server that answers wins. */
export async function probeOrigin(
  origin: string,
  timeoutMs: number,
): Promise<HandshakeResult | undefined> {
  for (const path of STREAMABLE_HTTP_PATHS) {
    try {
      const found = await probeStreamableHttp(`${origin}${path}`, timeoutMs);
      if (found) return found;
    } catch {
      // Not HTTP, reset, or too slow: no other path of this origin will do better.
      return undefined;
    }
  }
  for (const path of LEGACY_SSE_PATHS) {
    const found = await probeLegacySse(`${origin}${path}`, timeoutMs);
    if (found) return found;
  }
  return undefined;
}
