import {
  dechunk,
  ExchangeAssembler,
  ExchangeObservation,
  parseRawResponse,
} from './exchangeAssembler';
import { parseTsharkLine, TsharkFrame } from './tsharkFrames';

/** A line as tshark 4.0 `-T ek` prints it, with our fields. */
const ek = (frame: number, time: number, fields: Record<string, string[]>) =>
  JSON.stringify({
    timestamp: String(time * 1000),
    layers: {
      frame_number: [String(frame)],
      frame_time_epoch: [String(time)],
      ip_src: ['127.0.0.1'],
      ip_dst: ['127.0.0.1'],
      ...fields,
    },
  });
const request = (
  frame: number,
  time: number,
  extra: Record<string, string[]>,
) =>
  ek(frame, time, {
    tcp_srcport: ['44406'],
    tcp_dstport: ['37143'],
    tcp_stream: ['3'],
    ...extra,
  });
const fromServer = (
  frame: number,
  time: number,
  extra: Record<string, string[]>,
) =>
  ek(frame, time, {
    tcp_srcport: ['37143'],
    tcp_dstport: ['44406'],
    tcp_stream: ['3'],
    ...extra,
  });

const frames = (...lines: string[]) =>
  lines.map(line => parseTsharkLine(line)!) as TsharkFrame[];

const GET_SSE = request(35, 1796271403.693, {
  http_request_method: ['GET'],
  http_request_uri: ['/sse'],
  http_request_line: [
    'host: 127.0.0.1:37143\r\n',
    'Accept: text/event-stream\r\n',
  ],
});
const SSE_START = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n4f\r\nevent: endpoint\ndata: /message?sessionId=12dc7af6-3fb8-4c34-8351-179f113cd72b\n\n\r\n',
);

describe('parseTsharkLine', () => {
  it('reads a request with its header lines and body, and skips index lines', () => {
    expect(parseTsharkLine('{"index":{"_index":"packets-2026-12-03"}}')).toBe(
      undefined,
    );
    const [frame] = frames(
      request(4, 1796271403.585136, {
        http_request_method: ['POST'],
        http_request_uri: ['/mcp'],
        http_request_line: [
          'accept: application/json, text/event-stream\r\n',
          'user-agent: node\r\n',
        ],
        http_file_data: ['{"method":"tools/list","jsonrpc":"2.0","id":1}'],
      }),
    );
    expect(frame).toEqual({
      kind: 'request',
      frame: 4,
      time: 1796271403585,
      src: '127.0.0.1',
      dst: '127.0.0.1',
      srcPort: 44406,
      dstPort: 37143,
      stream: 3,
      method: 'POST',
      uri: '/mcp',
      headers: [
        { name: 'accept', value: 'application/json, text/event-stream' },
        { name: 'user-agent', value: 'node' },
      ],
      body: '{"method":"tools/list","jsonrpc":"2.0","id":1}',
    });
  });

  it('reads a raw segment as bytes, with or without colons', () => {
    const hex = SSE_START.toString('hex');
    const [plain, colons] = frames(
      fromServer(37, 1, { tcp_payload: [hex] }),
      fromServer(37, 1, { tcp_payload: [hex.replace(/(..)(?!$)/g, '$1:')] }),
    );
    expect(plain).toMatchObject({ kind: 'segment', payload: SSE_START });
    expect(colons).toMatchObject({ kind: 'segment', payload: SSE_START });
  });
});

describe('parseTsharkLine for names', () => {
  it('reads a ClientHello with SNI and a DNS answer', () => {
    expect(
      parseTsharkLine(
        request(4, 1, {
          tls_handshake_extensions_server_name: ['mcp.acme.example'],
        }),
      ),
    ).toMatchObject({
      kind: 'tls',
      serverName: 'mcp.acme.example',
      dstPort: 37143,
    });
    expect(
      parseTsharkLine(
        ek(9, 2, {
          udp_srcport: ['53'],
          udp_dstport: ['40000'],
          dns_flags_response: ['1'],
          dns_qry_name: ['mcp.acme.example'],
          dns_a: ['203.0.113.7', '203.0.113.8'],
        }),
      ),
    ).toMatchObject({
      kind: 'dns',
      name: 'mcp.acme.example',
      answer: '203.0.113.7',
      srcPort: 53,
      stream: -1,
    });
  });
});

describe('parseRawResponse', () => {
  it('reads the head and de-chunks what has arrived, a cut last chunk included', () => {
    expect(parseRawResponse(SSE_START)).toEqual({
      status: 200,
      headers: [
        { name: 'Content-Type', value: 'text/event-stream' },
        { name: 'Transfer-Encoding', value: 'chunked' },
      ],
      body: 'event: endpoint\ndata: /message?sessionId=12dc7af6-3fb8-4c34-8351-179f113cd72b\n\n',
    });
    expect(dechunk(Buffer.from('5\r\nhello\r\n10\r\nworld')).toString()).toBe(
      'helloworld',
    );
    expect(parseRawResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-'))).toBe(
      undefined,
    );
    expect(parseRawResponse(Buffer.from('4f\r\nevent: x\n\n'))).toBe(undefined);
  });
});

describe('ExchangeAssembler', () => {
  const assemble = (lines: string[], end = true) => {
    const seen: ExchangeObservation[] = [];
    const assembler = new ExchangeAssembler(o => seen.push(structuredClone(o)));
    for (const frame of frames(...lines)) assembler.push(frame);
    if (end) assembler.flush();
    return seen;
  };

  it('pairs a request with the answer tshark reassembled', () => {
    const seen = assemble([
      request(4, 10, {
        http_request_method: ['POST'],
        http_request_uri: ['/mcp'],
        http_file_data: ['{}'],
      }),
      fromServer(6, 10.03, {
        http_response_code: ['200'],
        http_response_line: ['content-type: text/event-stream\r\n'],
        http_request_in: ['4'],
        http_file_data: ['event: message\ndata: {}\n\n'],
      }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      key: '3:4',
      client: '127.0.0.1',
      serverPort: 37143,
      time: 10030,
      exchange: {
        method: 'POST',
        response: { status: 200, body: 'event: message\ndata: {}\n\n' },
      },
    });
  });

  it('reads the start of an SSE answer that never completes, segment by segment', () => {
    const hex = SSE_START.toString('hex');
    const seen = assemble([
      GET_SSE,
      fromServer(37, 1796271403.7, { tcp_payload: [hex.slice(0, 60)] }),
      fromServer(38, 1796271403.71, { tcp_payload: [hex.slice(60)] }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0].key).toBe('3:35');
    expect(seen[0].exchange.response?.body).toMatch(/^event: endpoint\n/);
  });

  it('looks at a request alone once 2 s of capture pass without an answer, or at the end', () => {
    const later = ek(99, 1796271406, {
      tcp_srcport: ['50000'],
      tcp_dstport: ['80'],
      tcp_stream: ['9'],
      http_request_method: ['GET'],
      http_request_uri: ['/'],
    });
    const seen = assemble([GET_SSE, later], false);
    expect(seen.map(o => o.key)).toEqual(['3:35']);
    expect(seen[0].exchange.response).toBeUndefined();
    expect(assemble([GET_SSE]).map(o => o.key)).toEqual(['3:35']);
  });

  it('ignores what the client sends on while waiting, and answers from another port', () => {
    const seen = assemble(
      [
        GET_SSE,
        request(36, 1796271403.7, {
          tcp_payload: [SSE_START.toString('hex')],
        }),
      ],
      false,
    );
    expect(seen).toEqual([]);
  });
});
