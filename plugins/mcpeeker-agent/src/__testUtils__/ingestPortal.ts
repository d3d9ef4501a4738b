import http from 'node:http';
import { AddressInfo } from 'node:net';
import { validateEvent } from '@mcpeeker/plugin-mcpeeker-common';

/** The agents' service token an ingest portal takes. */
export const AGENTS_TOKEN = 'agents-service-token';

export interface IngestPortal {
  /** Its MCPeeker base: the events go to `${base}/events`. */
  base: string;
  /** The events it kept, in order. */
  received: any[];
  /** Every POST /events, taken or not. */
  attempts: number;
  /** Answers 503 while set, as a backend that is starting. */
  down: boolean;
  /** The 503's `Retry-After`, in seconds (none when unset). */
  retryAfterSeconds?: number;
  close(): Promise<void>;
}

/**
 * A portal's POST /api/mcpeeker/events as the backend answers it: with the
 * agents' token, each event validated as the backend does (validateEvent),
 * the invalid ones refused in a 400 naming each item's issues, the rest
 * kept; another token or none, 401 'Illegal token'; while `down`, 503.
 */
export async function startIngestPortal(): Promise<IngestPortal> {
  const portal: IngestPortal = {
    base: '',
    received: [],
    attempts: 0,
    down: false,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      portal.attempts++;
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 503 && portal.retryAfterSeconds !== undefined
            ? { 'retry-after': String(portal.retryAfterSeconds) }
            : {}),
        });
        res.end(JSON.stringify(json));
      };
      if (portal.down)
        return answer(503, {
          error: { name: 'ServiceUnavailableError', message: 'starting' },
        });
      if (req.headers.authorization !== `Bearer ${AGENTS_TOKEN}`)
        return answer(401, {
          error: { name: 'AuthenticationError', message: 'Illegal token' },
          response: { statusCode: 401 },
        });
      const { events } = JSON.parse(body);
      const rejected: any[] = [];
      events.forEach((event: any, index: number) => {
        const result = validateEvent(event);
        if (result.success) portal.received.push(event);
        else
          rejected.push({
            index,
            eventId: event.eventId,
            issues: result.issues,
          });
      });
      const result = {
        accepted: events.length - rejected.length,
        duplicates: 0,
        rejected,
        redactedValues: 0,
      };
      if (rejected.length === 0) return answer(202, result);
      const first = rejected[0];
      return answer(400, {
        error: {
          name: 'InputError',
          message: `${rejected.length} of ${
            events.length
          } events are invalid (first: item ${first.index}, ${first.issues
            .map((i: any) => `${i.field || 'event'}: ${i.message}`)
            .join('; ')}); the ${result.accepted} valid ones were kept`,
        },
        ...result,
      });
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  portal.base = `http://127.0.0.1:${port}/api/mcpeeker`;
  portal.close = async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  };
  return portal;
}
