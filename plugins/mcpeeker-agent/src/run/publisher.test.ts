import path from 'node:path';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir } from '../__testUtils__/fixtures';
import { EventOutlet } from './logReading';
import { Publisher } from './publisher';
import type { EventTransport } from './transports';

type Answer = Awaited<ReturnType<EventTransport['send']>>;

/** Events as the spool keeps them: only the id matters here. */
const events = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => ({ eventId: `event-${String(i).padStart(4, '0')}` } as McpEvent),
  );

/** A publisher whose transport answers each batch with `answer`; its lines as a person reads them. */
function publisherAnswering(
  answer: (batch: McpEvent[]) => Answer,
  maxEvents = 100,
) {
  const dir = path.join(makeTempDir('mcpeeker-publisher-'), 'spool');
  const lines: string[] = [];
  const transport: EventTransport = {
    name: 'http http://portal.test',
    refusedUntil:
      "the portal will take nothing with this agent's token until it is replaced",
    send: async batch => answer(batch),
    close: async () => undefined,
  };
  const publisher = new Publisher(
    { dir, maxEvents },
    transport,
    line => lines.push(line),
    'gateway --send',
  );
  return { publisher, lines, dir };
}

const unreachable = (): Answer => ({
  accepted: 0,
  rejected: [],
  error: 'connect ECONNREFUSED 127.0.0.1:1',
});
const refusedToken = (): Answer => ({
  accepted: 0,
  rejected: [],
  error:
    'the portal at http://portal.test refused the report (HTTP 401): Illegal token',
  refused: true,
  unauthorized: true,
});

describe('Publisher: counts in what it says', () => {
  it.each([
    [1, '1 event waits'],
    [2, '2 events wait'],
  ])(
    'backend unreachable with %i in the spool: "%s in the spool"',
    async (n, said) => {
      const { publisher, lines, dir } = publisherAnswering(unreachable);
      await publisher.add(events(n));
      expect(await publisher.flush()).toBe(n);
      expect(lines).toEqual([
        `cannot reach http http://portal.test: connect ECONNREFUSED 127.0.0.1:1; ${said} in the spool (${dir})`,
      ]);
    },
  );

  it.each([
    [1, 'sent 1 event to http http://portal.test'],
    [2, 'sent 2 events to http http://portal.test'],
  ])('%i taken: "%s"', async (n, said) => {
    const { publisher, lines } = publisherAnswering(batch => ({
      accepted: batch.length,
      rejected: [],
    }));
    await publisher.add(events(n));
    expect(await publisher.flush()).toBe(0);
    expect(lines).toEqual([said]);
  });

  it.each([
    [1, '1 new event was NOT stored', '1 event'],
    [2, '2 new events were NOT stored', '3 events'],
  ])('a full spool: "SPOOL FULL: %s …"', async (refused, said, maximum) => {
    const max = refused === 1 ? 1 : 3;
    const { publisher, lines, dir } = publisherAnswering(unreachable, max);
    expect(await publisher.add(events(max + refused))).toEqual({
      stored: max,
      refused,
    });
    expect(lines).toEqual([
      `SPOOL FULL: ${said}: the spool at ${dir} holds its maximum of ${maximum} waiting for http http://portal.test. Make the backend reachable or raise spool.maxEvents.`,
    ]);
  });

  it.each([
    [1, '1 event waits', '1 event', 'is'],
    [2, '2 events wait', '2 events', 'are'],
  ])(
    'a refused token with %i in the spool: "%s …", then "%s … %s kept"',
    async (n, waits, kept, verb) => {
      const { publisher, lines, dir } = publisherAnswering(refusedToken);
      await publisher.add(events(n));
      const left = await publisher.flush();
      expect(publisher.unauthorized).toBe(true);
      publisher.sayNotTryingAgain(left);
      expect(lines).toEqual([
        `the portal at http://portal.test refused the report (HTTP 401): Illegal token; ${waits} in the spool (${dir})`,
        `not trying again: the portal will take nothing with this agent's token until it is replaced (above); ${kept} in the spool (${dir}) ${verb} kept and sent first when gateway --send starts again`,
      ]);
    },
  );
});

describe('EventOutlet: the events the backend refused one by one', () => {
  it.each([
    [
      4,
      1,
      'the backend refused 1 of the 4 events it was sent, and keeps it as a dead letter: it is not sent again',
    ],
    [
      4,
      2,
      'the backend refused 2 of the 4 events it was sent, and keeps them as dead letters: they are not sent again',
    ],
    [
      1,
      1,
      'the backend refused the event it was sent, and keeps it as a dead letter: it is not sent again',
    ],
    [
      2,
      2,
      'the backend refused all 2 events it was sent, and keeps them as dead letters: they are not sent again',
    ],
  ])('%i sent, %i refused: "%s …"', async (sent, refused, said) => {
    const { publisher, lines } = publisherAnswering(batch => ({
      accepted: batch.length,
      rejected: batch
        .slice(0, refused)
        .map(e => ({ eventId: e.eventId, reason: 'request.api: invalid' })),
    }));
    const outlet = new EventOutlet(publisher, () => undefined, {
      log: line => lines.push(line),
    });
    outlet.add(events(sent));
    await outlet.finish();
    expect(outlet.exitCode(0)).toBe(3);
    expect(lines.at(-1)).toBe(
      `${said} (first: event event-0000: request.api: invalid)`,
    );
  });
});
