import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { HttpTransport } from './transports';

describe('HttpTransport', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise(r => (server ? server.close(r) : r(undefined))));

  it('says which events the backend refused and every reason it gave', async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: 'InputError', message: '1 of 2 events are invalid' },
            accepted: 1,
            duplicates: 0,
            redactedValues: 0,
            rejected: [
              {
                index: 1,
                issues: [
                  {
                    field: 'host.idHash',
                    message: "is not this agent's enrolled host",
                  },
                  { field: 'layer', message: 'agents send endpoint events' },
                ],
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>(r => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const transport = new HttpTransport({
      url: `http://127.0.0.1:${port}/api/mcpeeker/events`,
      token: 'agent-token',
    });
    const events = [{ eventId: 'a'.repeat(64) }, { eventId: 'b'.repeat(64) }];
    const result = await transport.send(events as McpEvent[]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      {
        eventId: 'b'.repeat(64),
        reason:
          "host.idHash: is not this agent's enrolled host; layer: agents send endpoint events",
      },
    ]);
  });

  it('with no credential configured, sends none and says what the 401 wants', async () => {
    const headers: http.IncomingHttpHeaders[] = [];
    server = http.createServer((req, res) => {
      headers.push(req.headers);
      req.resume();
      req.on('end', () => {
        // What the backend answers a request without credentials.
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              name: 'AuthenticationError',
              message: 'Missing credentials',
            },
          }),
        );
      });
    });
    await new Promise<void>(r => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api/mcpeeker`;
    const transport = new HttpTransport({ url: `${base}/events` });
    const result = await transport.send([
      { eventId: 'a'.repeat(64) },
    ] as McpEvent[]);
    expect(headers[0].authorization).toBeUndefined();
    expect(result).toEqual({
      accepted: 0,
      rejected: [],
      refused: true,
      unauthorized: true,
      error: `the portal at ${base} refused the report (HTTP 401): Missing credentials; this agent has no credential: set the agents' service token (report.http.token, MCPEEKER_TOKEN) or enrol it (mcpeeker-agent enrol --url ${base})`,
    });
  });
});
