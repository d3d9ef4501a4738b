import {
  HttpExchange,
  HttpHeader,
  matchExchange,
  strongestSignature,
} from './matchExchange';
import { signatureById } from './catalogue';

/** Headers as `Name: value` lines, the way the wire has them. */
const headers = (...lines: string[]): HttpHeader[] =>
  lines.map(line => {
    const colon = line.indexOf(':');
    return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
  });

// What @modelcontextprotocol/sdk 1.32 sends to server-everything 2026.8.31
// (captured on loopback with dumpcap, request and answer as tshark reassembled them).
const SESSION = 'f2f1ee1e-c06f-40b5-8095-ab1a02b1f111';
const STREAMABLE_HEADERS = headers(
  'host: 127.0.0.1:35767',
  'content-type: application/json',
  'accept: application/json, text/event-stream',
  'user-agent: node',
);
const INITIALIZE: HttpExchange = {
  method: 'POST',
  uri: '/mcp',
  requestHeaders: STREAMABLE_HEADERS,
  requestBody:
    '{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"exp","version":"1.0.0"}},"jsonrpc":"2.0","id":0}',
  response: {
    status: 200,
    headers: headers(
      'content-type: text/event-stream',
      `mcp-session-id: ${SESSION}`,
      'Transfer-Encoding: chunked',
    ),
    body: 'id: f70c40f3\ndata: \n\nevent: message\nid: 680dec0c\ndata: {"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"mcp-servers/everything","title":"Everything Reference Server","version":"2.0.0"},"instructions":"# Everything"},"jsonrpc":"2.0","id":0}\n\n',
  },
};
const AFTER_INITIALIZE = headers(
  `mcp-session-id: ${SESSION}`,
  'mcp-protocol-version: 2025-11-25',
  'content-type: application/json',
  'accept: application/json, text/event-stream',
  'user-agent: node',
);

const ids = (exchange: HttpExchange, toAnnouncedEndpoint = false) =>
  matchExchange(exchange, { toAnnouncedEndpoint })?.signatures.map(s => s.id) ??
  [];

describe('matchExchange on real MCP traffic', () => {
  it('Streamable HTTP initialize: the request, the answer naming the server, and the session', () => {
    const match = matchExchange(INITIALIZE)!;
    expect(match.signatures.map(s => s.id)).toEqual([
      'MCP-001',
      'MCP-002',
      'MCP-005',
    ]);
    expect(match).toMatchObject({
      transport: 'http',
      method: 'initialize',
      serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
      clientInfo: { name: 'exp', version: '1.0.0' },
      userAgent: 'node',
      sessionId: SESSION,
    });
    expect(strongestSignature(match.signatures).id).toBe('MCP-001');
  });

  it('the initialize request alone, before any answer, is enough', () => {
    const { response: _, ...request } = INITIALIZE;
    expect(ids(request)).toEqual(['MCP-001', 'MCP-005']);
  });

  it('tools/list and tools/call after initialize carry the session and protocol headers', () => {
    const toolsList = matchExchange({
      method: 'POST',
      uri: '/mcp',
      requestHeaders: AFTER_INITIALIZE,
      requestBody: '{"method":"tools/list","jsonrpc":"2.0","id":1}',
    })!;
    expect(toolsList.signatures.map(s => s.id)).toEqual([
      'MCP-003',
      'MCP-005',
      'MCP-006',
      'MCP-007',
    ]);
    expect(toolsList.method).toBe('tools/list');
    expect(toolsList.sessionId).toBe(SESSION);
    const toolsCall = matchExchange({
      method: 'POST',
      uri: '/mcp',
      requestHeaders: AFTER_INITIALIZE,
      requestBody:
        '{"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}},"jsonrpc":"2.0","id":2}',
    })!;
    expect(toolsCall.method).toBe('tools/call');
    expect(strongestSignature(toolsCall.signatures).id).toBe('MCP-004');
  });

  it('the GET stream of Streamable HTTP is known by its session header', () => {
    expect(
      ids({
        method: 'GET',
        uri: '/mcp',
        requestHeaders: headers(
          `mcp-session-id: ${SESSION}`,
          'mcp-protocol-version: 2025-11-25',
          'Accept: text/event-stream',
        ),
        requestBody: '',
      }),
    ).toEqual(['MCP-006', 'MCP-007']);
  });

  it('pretty-printed JSON-RPC matches as compact does', () => {
    expect(
      ids({
        method: 'POST',
        uri: '/',
        requestHeaders: headers('content-type: application/json'),
        requestBody: JSON.stringify(
          {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 'cursor', version: '1.0' },
            },
          },
          null,
          2,
        ),
      }),
    ).toEqual(['MCP-001']);
  });

  it('legacy SSE: the stream announcing its endpoint, then the POSTs to it', () => {
    const stream = matchExchange({
      method: 'GET',
      uri: '/sse',
      requestHeaders: headers('Accept: text/event-stream', 'user-agent: node'),
      requestBody: '',
      response: {
        status: 200,
        headers: headers('Content-Type: text/event-stream'),
        body: 'event: endpoint\ndata: /message?sessionId=12dc7af6-3fb8\n\nevent: message\ndata: {"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"mcp-servers/everything","version":"2.0.0"}},"jsonrpc":"2.0","id":0}\n\n',
      },
    })!;
    expect(stream.signatures.map(s => s.id)).toEqual(['MCP-002', 'MCP-008']);
    expect(stream).toMatchObject({
      transport: 'sse',
      announcedEndpoint: '/message?sessionId=12dc7af6-3fb8',
      serverInfo: { name: 'mcp-servers/everything' },
      sessionId: '12dc7af6-3fb8',
    });
    const post = matchExchange(
      {
        method: 'POST',
        uri: '/message?sessionId=12dc7af6-3fb8',
        requestHeaders: headers(
          'content-type: application/json',
          'accept: */*',
        ),
        requestBody:
          '{"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"exp","version":"1.0.0"}},"jsonrpc":"2.0","id":0}',
        response: { status: 202, headers: [], body: 'Accepted' },
      },
      { toAnnouncedEndpoint: true },
    )!;
    expect(post.signatures.map(s => s.id)).toEqual(['MCP-001']);
    expect(post.transport).toBe('sse');
    expect(post.sessionId).toBe('12dc7af6-3fb8');
  });
});

describe('matchExchange stays silent on look-alikes', () => {
  const decoys: Array<[string, HttpExchange]> = [
    [
      "a language server's initialize (processId, rootUri, clientInfo)",
      {
        method: 'POST',
        uri: '/lsp',
        requestHeaders: headers('content-type: application/json'),
        requestBody:
          '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":4242,"rootUri":"file:///home/dana/project","capabilities":{},"clientInfo":{"name":"Visual Studio Code","version":"1.95.0"}}}',
        response: {
          status: 200,
          headers: headers('content-type: application/json'),
          body: '{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"hoverProvider":true},"serverInfo":{"name":"typescript-language-server","version":"4.3.3"}}}',
        },
      },
    ],
    [
      "a language server's initialize on port 3001 at /mcp (weak hints only)",
      {
        method: 'POST',
        uri: '/mcp',
        requestHeaders: headers('content-type: application/json'),
        requestBody:
          '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}',
      },
    ],
    [
      'Ethereum JSON-RPC (eth_blockNumber, eth_call)',
      {
        method: 'POST',
        uri: '/',
        requestHeaders: headers(
          'content-type: application/json',
          'accept: application/json',
        ),
        requestBody:
          '[{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]},{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"to":"0x6b175474e89094c44da98b954eedeac495271d0f","data":"0x70a08231"},"latest"]}]',
        response: {
          status: 200,
          headers: headers('content-type: application/json'),
          body: '[{"jsonrpc":"2.0","id":1,"result":"0x13a5f2b"},{"jsonrpc":"2.0","id":2,"result":"0x0"}]',
        },
      },
    ],
    [
      'a REST body that says "initialize"',
      {
        method: 'POST',
        uri: '/api/v1/databases/initialize',
        requestHeaders: headers(
          'content-type: application/json',
          'accept: application/json, text/event-stream',
        ),
        requestBody:
          '{"method":"initialize","protocolVersion":"3","clientInfo":"installer","tools/list":true}',
      },
    ],
    [
      'a GET …/sse stream of another kind (a ticker)',
      {
        method: 'GET',
        uri: '/sse',
        requestHeaders: headers('Accept: text/event-stream'),
        requestBody: '',
        response: {
          status: 200,
          headers: headers('Content-Type: text/event-stream'),
          body: 'event: price\ndata: {"symbol":"ACME","price":12.5}\n\n',
        },
      },
    ],
    [
      'an event stream whose JSON merely mentions an endpoint',
      {
        method: 'GET',
        uri: '/events',
        requestHeaders: headers('Accept: text/event-stream'),
        requestBody: '',
        response: {
          status: 200,
          headers: headers('Content-Type: text/event-stream'),
          body: 'data: {"event":"endpoint","data":"/x"}\n\n',
        },
      },
    ],
    [
      'an MCP-Protocol-Version header that is not a revision',
      {
        method: 'GET',
        uri: '/',
        requestHeaders: headers('MCP-Protocol-Version: latest'),
        requestBody: '',
      },
    ],
    [
      'an Mcp-Session-Id header on a plain JSON request',
      {
        method: 'GET',
        uri: '/status',
        requestHeaders: headers(
          'Mcp-Session-Id: abc',
          'Accept: application/json',
        ),
        requestBody: '',
      },
    ],
    [
      'a JSON-RPC call named tools/list but not as its method',
      {
        method: 'POST',
        uri: '/rpc',
        requestHeaders: headers('content-type: application/json'),
        requestBody:
          '{"jsonrpc":"2.0","id":1,"method":"docs.search","params":{"query":"tools/list"}}',
      },
    ],
  ];

  it.each(decoys)('%s', (_, exchange) => {
    expect(matchExchange(exchange)).toBeUndefined();
  });
});

describe('strongestSignature', () => {
  it('takes the most severe, then the first in the catalogue', () => {
    expect(
      strongestSignature(['MCP-005', 'MCP-006', 'MCP-007'].map(signatureById))
        .id,
    ).toBe('MCP-006');
  });
});
