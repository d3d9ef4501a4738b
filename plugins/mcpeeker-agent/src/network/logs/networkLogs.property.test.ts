// Assertions run inside fast-check's properties (`expectOutcome`).
/* eslint-disable jest/expect-expect */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { NetworkEvent, validateEvent } from '@mcpeeker/plugin-mcpeeker-common';
import {
  applyJsonChange,
  applyTextDamage,
  jsonChange,
  textDamage,
} from '../../__testUtils__/damage';
import { NetworkEventContext, toNetworkEvent } from '../networkEvent';
import { RemoteHostList } from '../remoteHosts';
import { EveLogReader } from './eveLog';
import { LineOutcome, SkipReason } from './logRecord';
import { readNetworkLogs } from './readNetworkLogs';
import { ZeekLogReader, zeekLogOfFileName } from './zeekLog';

// Run counts stay small: the whole property suite must stay cheap on two cores.
const SALT = 'network-property-salt-0123456789';
const hosts = RemoteHostList.shipped();
const context: NetworkEventContext = {
  salt: SALT,
  sensor: { id: 'zeek-property', kind: 'zeek', version: '0.0.0' },
};
const SKIP_REASONS: SkipReason[] = [
  'line too long',
  'binary garbage',
  'truncated line',
  'not JSON',
  'no #fields header',
  'log of another type',
  'unknown event type',
  'bad field',
];

/** The real and the MCP-positive sample logs of the repo, line by line. */
const FIXTURES = path.join(__dirname, '__fixtures__');
const logs = fs
  .readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter(name => /\.(log|json)$/.test(name))
  .map(name => {
    const lines = fs
      .readFileSync(path.join(FIXTURES, name), 'utf8')
      .split('\n')
      .filter(Boolean);
    return {
      name,
      kind: /eve/.test(path.basename(name))
        ? ('eve' as const)
        : ('zeek' as const),
      header: lines.filter(l => l.startsWith('#')),
      records: lines.filter(l => !l.startsWith('#')),
    };
  })
  .filter(log => log.records.length > 0);
const mcpLogs = logs.filter(log => log.name.startsWith('mcp'));

function reader(log: (typeof logs)[number]) {
  const location = path.basename(log.name);
  if (log.kind === 'eve') return new EveLogReader(hosts, location);
  const zeek = new ZeekLogReader(hosts, zeekLogOfFileName(location), location);
  for (const line of log.header) zeek.read(line);
  return zeek;
}

/** A line's outcome is valid events, a record or header, or a skip with its reason. */
function expectOutcome(outcome: LineOutcome): NetworkEvent[] {
  if ('skipped' in outcome) {
    expect(SKIP_REASONS).toContain(outcome.skipped);
    // A reason is said, and short: it goes to the log once per line or per kind.
    if (outcome.detail !== undefined)
      expect(outcome.detail.length).toBeGreaterThan(0);
    expect(outcome.detail?.length ?? 0).toBeLessThanOrEqual(300);
    return [];
  }
  if (!('sightings' in outcome)) return [];
  return outcome.sightings.map(sighting => {
    const event = toNetworkEvent(sighting, context);
    const result = validateEvent(JSON.parse(JSON.stringify(event)));
    if (!result.success)
      throw new Error(`invalid event: ${JSON.stringify(result.issues)}`);
    return event;
  });
}

/** One record of a sample log, damaged as text or, when it is JSON, changed in one place. */
const damagedRecord = (from: typeof logs) =>
  fc
    .record({
      log: fc.constantFrom(...from),
      pick: fc.nat(),
      damage: fc.oneof(
        textDamage.map(d => ({ text: d })),
        jsonChange.map(c => ({ json: c })),
      ),
    })
    .map(({ log, pick, damage }) => {
      const line = log.records[pick % log.records.length];
      let damaged: string;
      if ('text' in damage) damaged = applyTextDamage(line, damage.text);
      else if (line.startsWith('{'))
        damaged = JSON.stringify(
          applyJsonChange(JSON.parse(line), damage.json),
        );
      else {
        // A TSV record: one column given another value.
        const columns = line.split('\t');
        columns[damage.json.pick % columns.length] = String(
          typeof damage.json.value === 'string'
            ? damage.json.value
            : JSON.stringify(damage.json.value),
        );
        damaged = columns.join('\t');
      }
      return { log, line: damaged };
    });

const randomLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(fc.string({ maxLength: 12 }), { maxLength: 30 })
    .map(c => c.join('\t')),
  fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'ts',
        'timestamp',
        'event_type',
        'src_ip',
        'dest_ip',
        'dest_port',
        'id.orig_h',
        'id.resp_h',
        'id.resp_p',
        'uid',
        '_path',
        'http',
        'alert',
        'tls',
        'dns',
        'method',
        'uri',
        'host',
        'user_agent',
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(v => JSON.stringify(v)),
);

describe('network log adapters, on any line', () => {
  it('read every sample record, damaged, as valid events or a skip with its reason', () => {
    fc.assert(
      fc.property(damagedRecord(logs), ({ log, line }) => {
        expectOutcome(reader(log).read(line));
      }),
      { numRuns: 400 },
    );
  });

  it('names an MCP line whose sig_name is empty by its signature id (a case the property above found)', () => {
    const log = logs.find(l => l.name.endsWith('/mcp.log'))!;
    const fields = log.records[0].split('\t');
    fields[8] = '';
    const events = expectOutcome(reader(log).read(fields.join('\t')));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      signature: { id: fields[7], name: fields[7] },
    });
  });

  it('read random lines as a Zeek log (with and without its header) and as EVE without a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...logs), randomLine, (log, line) => {
        expectOutcome(reader(log).read(line));
        expectOutcome(new ZeekLogReader(hosts, undefined, 'stdin').read(line));
        expectOutcome(new EveLogReader(hosts, 'stdin').read(line));
      }),
      { numRuns: 300 },
    );
  });

  it('never send a secret planted anywhere in an MCP record', () => {
    const secret = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{36}$/).map(b => `ghp_${b}`),
      fc.stringMatching(/^[A-Z0-9]{16}$/).map(b => `AKIA${b}`),
      fc.stringMatching(/^[A-Za-z0-9]{30,40}$/).map(b => `sk-ant-api03-${b}7Q`),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...mcpLogs),
        fc.nat(),
        fc.nat(),
        secret,
        (log, pickLine, pickWord, planted) => {
          const line = log.records[pickLine % log.records.length];
          const words = [...line.matchAll(/[A-Za-z0-9_]{3,}/g)];
          fc.pre(words.length > 0);
          const word = words[pickWord % words.length];
          const changed =
            line.slice(0, word.index) +
            planted +
            line.slice(word.index! + word[0].length);
          const events = expectOutcome(reader(log).read(changed));
          const sent = JSON.stringify(events);
          if (sent.includes(planted))
            throw new Error(
              `${log.name}: '${word[0]}' → secret sent in ${sent}`,
            );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('read a stream of damaged and random lines to the end, printing only valid events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('zeek' as const, 'eve' as const),
        fc.array(
          fc.oneof(
            damagedRecord(logs).map(r => r.line),
            randomLine,
          ),
          { minLength: 1, maxLength: 20 },
        ),
        async (kind, lines) => {
          const printed: string[] = [];
          const said: string[] = [];
          const code = await readNetworkLogs({
            sources: [{ kind, file: '-' }],
            follow: false,
            hosts,
            contexts: {
              zeek: context,
              eve: {
                ...context,
                sensor: { ...context.sensor, kind: 'suricata' },
              },
            },
            format: 'jsonl',
            stdout: text => printed.push(...text.split('\n').filter(Boolean)),
            log: line => said.push(line),
            stdin: Readable.from([lines.join('\n')]),
          });
          expect(code).toBe(0);
          for (const line of printed)
            expect(validateEvent(JSON.parse(line)).success).toBe(true);
          // The summary line says how many records were read.
          expect(said[said.length - 1]).toMatch(/record/);
        },
      ),
      { numRuns: 40 },
    );
  });
});
