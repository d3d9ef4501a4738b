// Assertions run inside fast-check's properties (`expectOutcome`).
/* eslint-disable jest/expect-expect */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { GatewayEvent, validateEvent } from '@mcpeeker/plugin-mcpeeker-common';
import {
  applyJsonChange,
  applyTextDamage,
  jsonChange,
  textDamage,
} from '../__testUtils__/damage';
import { readGatewayLog } from './readGatewayLog';
import {
  LineOutcome,
  LOG_FORMATS,
  readLogLine,
  SkipReason,
} from './readLogLine';
import { GatewayEventContext, toGatewayEvents } from './toGatewayEvents';

// Run counts stay small: the whole property suite must stay cheap on two cores.
const context: GatewayEventContext = {
  salt: 'gateway-property-salt-0123456789',
  sensor: { id: 'gateway-property', version: '0.0.0' },
  now: () => new Date('2026-11-21T10:00:00Z'),
};
const SKIP_REASONS: SkipReason[] = [
  'not JSON',
  'line too long',
  'nested too deep',
  'unknown format',
  'bad field',
  'no tools',
  'not an event',
];

/** The sample requests of each API the gateway reader knows. */
const samples = fs
  .readdirSync(path.join(__dirname, '__fixtures__'))
  .flatMap(name =>
    fs
      .readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8')
      .split('\n')
      .filter(Boolean),
  );

/** A line's outcome is valid events, or a skip with its reason; never a throw. */
function expectOutcome(outcome: LineOutcome): GatewayEvent[] {
  if ('skipped' in outcome) {
    expect(SKIP_REASONS).toContain(outcome.skipped);
    if (outcome.detail !== undefined)
      expect(outcome.detail.length).toBeGreaterThan(0);
    return [];
  }
  const events = toGatewayEvents(outcome.request, context);
  for (const event of events) {
    const result = validateEvent(JSON.parse(JSON.stringify(event)));
    if (!result.success)
      throw new Error(`invalid event: ${JSON.stringify(result.issues)}`);
  }
  return events;
}

const damagedSample = fc
  .record({
    pick: fc.nat(),
    damage: fc.oneof(
      textDamage.map(d => ({ text: d })),
      jsonChange.map(c => ({ json: c })),
    ),
  })
  .map(({ pick, damage }) => {
    const line = samples[pick % samples.length];
    return 'text' in damage
      ? applyTextDamage(line, damage.text)
      : JSON.stringify(applyJsonChange(JSON.parse(line), damage.json));
  });

const randomLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 5 }).map(v => JSON.stringify(v)),
  // Shapes close to a request: the fields the readers look at, any values.
  fc
    .record(
      {
        call_type: fc.jsonValue({ maxDepth: 1 }),
        model: fc.jsonValue({ maxDepth: 1 }),
        messages: fc.array(
          fc.record(
            {
              role: fc.constantFrom('user', 'assistant', 'tool', 'system', 7),
              content: fc.oneof(
                fc.string({ maxLength: 30 }),
                fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
              ),
              tool_calls: fc.jsonValue({ maxDepth: 3 }),
            },
            { requiredKeys: ['role'] },
          ),
          { maxLength: 3 },
        ),
        tools: fc.array(
          fc.oneof(
            fc.record({
              name: fc.jsonValue({ maxDepth: 1 }),
              input_schema: fc.jsonValue({ maxDepth: 2 }),
            }),
            fc.record({
              type: fc.constantFrom('function', 'mcp', 'mcp_toolset'),
              function: fc.jsonValue({ maxDepth: 2 }),
              server_label: fc.jsonValue({ maxDepth: 1 }),
              server_url: fc.jsonValue({ maxDepth: 1 }),
            }),
          ),
          { maxLength: 3 },
        ),
        mcp_servers: fc.jsonValue({ maxDepth: 3 }),
        body: fc.jsonValue({ maxDepth: 3 }),
        request_id: fc.jsonValue({ maxDepth: 1 }),
        timestamp: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map(v => JSON.stringify(v)),
);

describe('gateway log reader, on any line', () => {
  it('reads every sample request, damaged, in every format as valid events or a skip with its reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOG_FORMATS),
        damagedSample,
        (format, line) => {
          expectOutcome(readLogLine(line, format));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads random lines in every format without a crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOG_FORMATS),
        randomLine,
        (format, line) => {
          expectOutcome(readLogLine(line, format));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never sends a secret planted anywhere in a request', () => {
    const secret = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{36}$/).map(b => `ghp_${b}`),
      fc.stringMatching(/^[A-Z0-9]{16}$/).map(b => `AKIA${b}`),
      fc.stringMatching(/^[A-Za-z0-9]{30,40}$/).map(b => `sk-ant-api03-${b}7Q`),
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat(), secret, (pickLine, pickWord, planted) => {
        const line = samples[pickLine % samples.length];
        const words = [...line.matchAll(/[A-Za-z0-9_]{3,}/g)];
        const word = words[pickWord % words.length];
        const changed =
          line.slice(0, word.index) +
          planted +
          line.slice(word.index! + word[0].length);
        const sent = JSON.stringify(
          expectOutcome(readLogLine(changed, 'auto')),
        );
        if (sent.includes(planted))
          throw new Error(`'${word[0]}' → secret sent in ${sent}`);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a stream of damaged and random lines to the end, printing only valid events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(damagedSample, randomLine), {
          minLength: 1,
          maxLength: 15,
        }),
        async lines => {
          const printed: string[] = [];
          const said: string[] = [];
          const code = await readGatewayLog({
            file: '-',
            format: 'auto',
            follow: false,
            context,
            stdout: text => printed.push(...text.split('\n').filter(Boolean)),
            log: line => said.push(line),
            stdin: Readable.from([lines.join('\n')]),
          });
          expect(code).toBe(0);
          for (const line of printed)
            expect(validateEvent(JSON.parse(line)).success).toBe(true);
          expect(said[said.length - 1]).toMatch(/line/);
        },
      ),
      { numRuns: 30 },
    );
  });
});
