import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers to the next `POST /v1/messages`. */
export type MessagesReply =
  /** A tool_use block calling `name` (default record_verdict) with `input`. */
  | { toolInput: unknown; toolName?: string; delayMs?: number }
  /** A text-only answer, no tool call. */
  | { text: string; delayMs?: number }
  /** An error status, as the API sends it (with retry-after on 429 if given). */
  | { status: number; retryAfter?: string; delayMs?: number };

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * A local HTTP server that speaks the Anthropic Messages API as the real SDK
 * uses it: `POST /v1/messages` answers a message (tool_use or text) or an
 * error in the API's JSON error shape, `GET /v1/models/{id}` answers the
 * model. Replies are queued per test; with none queued it repeats `fallback`.
 */
export async function startMessagesApiServer(
  options: {
    fallback?: MessagesReply;
    /** When set, any other key gets the API's 401. */
    validKey?: string;
  } = {},
) {
  const queue: MessagesReply[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: MessagesReply = options.fallback ?? {
    toolInput: {
      verdict: 'mcp',
      confidence: 0.9,
      servers: ['github'],
      explanation:
        'The tools are named mcp__github__*. They come from an MCP server.',
    },
  };
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      const path = (req.url ?? '').split('?')[0];
      requests.push({ path, headers: req.headers, body });
      const json = (status: number, value: unknown, headers = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${requests.length}`,
          ...headers,
        });
        res.end(JSON.stringify(value));
      };
      // The SDK sends the key as x-api-key or as a bearer token, by version.
      const key =
        req.headers['x-api-key'] ??
        req.headers.authorization?.replace(/^Bearer /, '');
      if (options.validKey !== undefined && key !== options.validKey) {
        json(401, {
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        });
        return;
      }
      if (req.method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        json(200, {
          type: 'model',
          id,
          display_name: id,
          created_at: '2026-01-01T00:00:00Z',
        });
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/messages') {
        json(404, {
          type: 'error',
          error: { type: 'not_found_error', message: `no route ${path}` },
        });
        return;
      }
      const reply = queue.shift() ?? fallback;
      const send = () => {
        if ('status' in reply) {
          const type = errorType(reply.status);
          json(
            reply.status,
            {
              type: 'error',
              error: { type, message: `status ${reply.status}` },
            },
            reply.retryAfter ? { 'retry-after': reply.retryAfter } : {},
          );
          return;
        }
        const content =
          'text' in reply
            ? [{ type: 'text', text: reply.text }]
            : [
                {
                  type: 'tool_use',
                  id: `toolu_${requests.length}`,
                  name: reply.toolName ?? 'record_verdict',
                  input: reply.toolInput,
                },
              ];
        json(200, {
          id: `msg_${requests.length}`,
          type: 'message',
          role: 'assistant',
          model: body?.model ?? 'claude-test',
          content,
          stop_reason: 'text' in reply ? 'end_turn' : 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 100, output_tokens: 40 },
        });
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The messages calls only (not model lookups). */
    messageCalls: () => requests.filter(r => r.path === '/v1/messages'),
    reply(...replies: MessagesReply[]) {
      queue.push(...replies);
    },
    setFallback(reply: MessagesReply) {
      fallback = reply;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

export type MessagesApiServer = Awaited<
  ReturnType<typeof startMessagesApiServer>
>;

/** The API's error type for a status. */
function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}
