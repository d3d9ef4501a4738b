// Assertions run inside fast-check's properties (`expectRejectionWithReasons`, a thrown mismatch).
/* eslint-disable jest/expect-expect */
import fc from 'fast-check';
import { computeEventId } from './eventId';
import { createEvent, McpEventContent, validateEvent } from './validation';
import { MAX_JSON_DEPTH } from '../json/untrustedJson';

// Run counts stay small: the whole property suite must stay cheap on two cores.
const RUNS = { numRuns: 150 };

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const compositeIds = fc.stringMatching(/^mcp_[0-9a-f]{32}$/);
const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
const observedAt = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) })
  .map(ms => new Date(ms).toISOString());
const evidence = fc.array(
  fc.record(
    {
      kind: text(20),
      snippet: fc.string({ maxLength: 60 }),
      location: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ['kind', 'snippet'] },
  ),
  { maxLength: 3 },
);

const endpointContent: fc.Arbitrary<McpEventContent> = fc.record({
  layer: fc.constant('endpoint' as const),
  observedAt,
  compositeId: compositeIds,
  evidence,
  sensor: fc.record({
    id: text(30),
    kind: fc.constant('mcpeeker-agent' as const),
  }),
  host: fc.record(
    {
      idHash: hex64,
      os: fc.constantFrom(
        'linux' as const,
        'darwin' as const,
        'win32' as const,
      ),
      owner: fc.string({ maxLength: 40 }),
      addressHashes: fc.array(hex64, { maxLength: 3 }),
    },
    { requiredKeys: ['idHash', 'os'] },
  ),
  detection: fc.oneof(
    fc.record(
      {
        source: fc.constant('config' as const),
        client: text(20),
        serverName: text(40),
        configPath: text(80),
        scope: fc.constantFrom('user' as const, 'project' as const),
        transport: fc.constantFrom('stdio' as const, 'http' as const),
        command: fc.string({ maxLength: 40 }),
        args: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
        envNames: fc.array(text(20), { maxLength: 3 }),
        disabled: fc.boolean(),
      },
      {
        requiredKeys: [
          'source',
          'client',
          'serverName',
          'configPath',
          'scope',
          'transport',
        ],
      },
    ),
    fc.record({
      source: fc.constant('process' as const),
      pid: fc.nat(),
      command: text(40),
      args: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    fc.record({
      source: fc.constant('port' as const),
      port: fc.integer({ min: 1, max: 65535 }),
      url: text(60),
      transport: fc.constantFrom('http' as const, 'sse' as const),
      serverInfo: fc.record({ name: text(30) }),
      tools: fc.array(text(20), { maxLength: 5 }),
    }),
  ),
});

const networkContent: fc.Arbitrary<McpEventContent> = fc.record({
  layer: fc.constant('network' as const),
  observedAt,
  compositeId: compositeIds,
  evidence,
  sensor: fc.record({
    id: text(30),
    kind: fc.constantFrom('zeek' as const, 'suricata' as const),
  }),
  flow: fc.record({
    srcAddressHash: hex64,
    dstAddressHash: hex64,
    dstPort: fc.integer({ min: 1, max: 65535 }),
    transport: fc.constantFrom(
      'http' as const,
      'sse' as const,
      'unknown' as const,
    ),
  }),
  mcp: fc.record(
    {
      method: fc.string({ maxLength: 30 }),
      userAgent: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: [] },
  ),
});

const gatewayContent: fc.Arbitrary<McpEventContent> = fc.record({
  layer: fc.constant('gateway' as const),
  observedAt,
  compositeId: compositeIds,
  evidence,
  sensor: fc.record({
    id: text(30),
    kind: fc.constant('llm-gateway' as const),
  }),
  request: fc.record(
    {
      requestId: text(40),
      model: fc.string({ maxLength: 30 }),
      toolNames: fc.array(text(30), { maxLength: 5 }),
      mcpServers: fc.array(fc.record({ name: text(30) }), { maxLength: 3 }),
      excerpt: fc.string({ maxLength: 200 }),
    },
    { requiredKeys: ['requestId', 'toolNames'] },
  ),
  judgeUnavailable: fc.boolean(),
});

/** Valid events of every layer, built the way producers build them. */
const validEvents = fc
  .oneof(endpointContent, networkContent, gatewayContent)
  // A NUL is refused on purpose (PostgreSQL can't store it); keep it out of valid content.
  .filter(content => !JSON.stringify(content).includes('\\u0000'))
  .map(content => JSON.parse(JSON.stringify(createEvent(content))));

type Path = Array<string | number>;

/** Every place in a value: objects, arrays and leaves, with the path to each. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      out.push(...paths(item, [...prefix, key]));
  }
  return out;
}

function setAt(
  root: any,
  path: Path,
  mutate: (parent: any, key: string | number) => void,
) {
  let parent = root;
  for (const key of path.slice(0, -1)) parent = parent[key];
  mutate(parent, path[path.length - 1]);
}

/** One change to one place of a valid event: a new value, the key removed, or a key added. */
const mutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  value: fc.jsonValue({ maxDepth: 3 }),
  key: fc.string({ minLength: 1, maxLength: 12 }),
});

function expectRejectionWithReasons(result: ReturnType<typeof validateEvent>) {
  if (result.success) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.field).toBe('string');
    expect(issue.message.trim()).not.toBe('');
  }
}

describe('event validation, on any input', () => {
  it('answers arbitrary JSON with a rejection carrying reasons, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), input => {
        const result = validateEvent(input);
        expect(result.success).toBe(false);
        expectRejectionWithReasons(result);
      }),
      { numRuns: 300 },
    );
  });

  it('answers anything JavaScript can hand it (undefined, functions, odd numbers) without throwing', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withBigInt: true, withMap: true }),
        input => {
          expectRejectionWithReasons(validateEvent(input));
        },
      ),
      RUNS,
    );
  });

  it('refuses input nested past the limit at once, naming the depth', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_JSON_DEPTH + 1, max: 20_000 }),
        fc.boolean(),
        (depth, asArrays) => {
          let value: unknown = 'x';
          for (let i = 0; i < depth; i++)
            value = asArrays ? [value] : { a: value };
          const result = validateEvent(value);
          expect(result).toEqual({
            success: false,
            issues: [
              {
                field: '',
                message: expect.stringContaining(`${MAX_JSON_DEPTH}`),
              },
            ],
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('accepts every valid event as it is, and again after a trip through JSON', () => {
    fc.assert(
      fc.property(validEvents, event => {
        const result = validateEvent(event);
        expect(result).toEqual({ success: true, event });
        const again = validateEvent(
          JSON.parse(JSON.stringify(result.success && result.event)),
        );
        expect(again).toEqual({ success: true, event });
      }),
      RUNS,
    );
  });

  it('accepts an event whose sender left out the fields that default to empty, as one that validates again', () => {
    fc.assert(
      fc.property(validEvents, fc.boolean(), (event, omitNested) => {
        const sent = JSON.parse(JSON.stringify(event));
        delete sent.evidence;
        if (omitNested) {
          delete sent.host?.addressHashes;
          delete sent.request?.mcpServers;
        }
        // The sender hashes what it sends.
        sent.eventId = computeEventId(sent);
        const result = validateEvent(sent);
        if (!result.success) throw new Error(JSON.stringify(result.issues));
        const again = validateEvent(JSON.parse(JSON.stringify(result.event)));
        expect(again).toEqual({ success: true, event: result.event });
      }),
      RUNS,
    );
  });

  it('gives a valid event one change and names the changed field when it rejects it', () => {
    fc.assert(
      fc.property(validEvents, mutation, (event, m) => {
        const all = paths(event).filter(
          p => p.length > 0 && p[0] !== 'eventId',
        );
        const path = all[m.pick % all.length];
        let changed: Path = path;
        setAt(event, path, (parent, key) => {
          if (m.kind === 'delete') {
            if (Array.isArray(parent)) parent.splice(Number(key), 1);
            else delete parent[key];
          } else if (
            m.kind === 'add' &&
            parent[key] !== null &&
            typeof parent[key] === 'object' &&
            !Array.isArray(parent[key])
          ) {
            parent[key][m.key] = m.value;
            changed = [...path, m.key];
          } else {
            parent[key] = m.value;
          }
        });
        // The id is recomputed, so what is judged is the change, not a stale id.
        event.eventId = computeEventId(event);
        const result = validateEvent(event);
        expectRejectionWithReasons(result);
        if (result.success) return;
        const fields = result.issues.map(i => i.field);
        const changedField = changed.map(String).join('.');
        // The reason names the changed field, the object holding it, or a field inside the new value.
        const named = fields.some(
          f =>
            f === changedField ||
            changedField.startsWith(`${f}.`) ||
            f.startsWith(`${changedField}.`) ||
            (f === '' && changed.length === 1),
        );
        if (!named)
          throw new Error(
            `changed ${changedField}, issues name ${JSON.stringify(
              result.issues,
            )}`,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a changed event that kept its old id, naming the id or the field', () => {
    fc.assert(
      fc.property(validEvents, fc.string({ maxLength: 20 }), (event, value) => {
        fc.pre(value.length > 0);
        const before = event.eventId;
        event.observedAt = `${event.observedAt}${value}`;
        const result = validateEvent(event);
        expect(result).toEqual({
          success: false,
          issues: expect.arrayContaining([
            {
              field: expect.stringMatching(/^(eventId|observedAt)$/),
              message: expect.stringMatching(/\S/),
            },
          ]),
        });
        expect(event.eventId).toBe(before);
      }),
      RUNS,
    );
  });
});
