import { createHash } from 'node:crypto';
import { compositeId } from '../identity/compositeId';
import { hashIdentifier } from '../identity/hashing';
import { createEvent, validateEvent, validateHostStatus } from './validation';
import { EVENT_SCHEMA_VERSION } from './schema';

const hostIdHash = hashIdentifier('host-1', 'salt');

function endpointEvent() {
  return createEvent({
    layer: 'endpoint',
    observedAt: '2026-11-21T10:00:00Z',
    compositeId: compositeId({ hostIdHash, port: 3001 }),
    sensor: { id: 'agent-1', kind: 'mcpeeker-agent', version: '0.1.0' },
    host: { idHash: hostIdHash, os: 'linux', owner: 'user:default/dana' },
    detection: {
      source: 'port',
      port: 3001,
      url: 'http://127.0.0.1:3001/mcp',
      transport: 'http',
      serverInfo: { name: 'mcp-servers/everything', version: '1.0.0' },
      tools: ['echo', 'add'],
    },
  });
}

describe('events', () => {
  it('builds an event that validates, with version and content id', () => {
    const event = endpointEvent();
    expect(event.schemaVersion).toBe(EVENT_SCHEMA_VERSION);
    expect(event.eventId).toMatch(/^[0-9a-f]{64}$/);
    const result = validateEvent(JSON.parse(JSON.stringify(event)));
    expect(result.success).toBe(true);
  });

  it('gives a resend the same id and other content another', () => {
    expect(endpointEvent().eventId).toBe(endpointEvent().eventId);
    const other = createEvent({
      ...endpointEvent(),
      observedAt: '2026-11-21T10:05:00Z',
    } as any);
    expect(other.eventId).not.toBe(endpointEvent().eventId);
  });

  it('names the field and the reason when an event is wrong', () => {
    const event: any = endpointEvent();
    event.detection.port = 'three thousand';
    const result = validateEvent(event);
    expect(result).toEqual({
      success: false,
      issues: [
        {
          field: 'detection.port',
          message: expect.stringContaining('number'),
        },
      ],
    });
  });

  it('rejects unknown layers, unknown versions, extra fields and big snippets', () => {
    const cases: Array<[string, (e: any) => void]> = [
      ['layer', e => (e.layer = 'satellite')],
      ['schemaVersion', e => (e.schemaVersion = '9.9')],
      ['', e => (e.surprise = true)],
      [
        'evidence.0.snippet',
        e => (e.evidence = [{ kind: 'x', snippet: 'a'.repeat(1025) }]),
      ],
    ];
    for (const [field, mutate] of cases) {
      const event: any = endpointEvent();
      mutate(event);
      expect(validateEvent(event)).toEqual({
        success: false,
        issues: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
  });

  it('rejects an id that does not match the content', () => {
    const event: any = endpointEvent();
    event.detection.tools.push('exfiltrate');
    expect(validateEvent(event)).toEqual({
      success: false,
      issues: [
        {
          field: 'eventId',
          message: expect.stringContaining('does not match'),
        },
      ],
    });
  });

  it("checks the id the same with Node's native SHA-256 as with the portable one", () => {
    const nativeSha256Hex = (text: string) =>
      createHash('sha256').update(text, 'utf8').digest('hex');
    const event: any = endpointEvent();
    expect(validateEvent(event, { sha256Hex: nativeSha256Hex })).toEqual({
      success: true,
      event,
    });
    event.detection.tools.push('exfiltrate');
    expect(validateEvent(event, { sha256Hex: nativeSha256Hex })).toMatchObject({
      success: false,
      issues: [{ field: 'eventId' }],
    });
  });

  it('refuses to build an invalid event, naming the field', () => {
    expect(() =>
      createEvent({
        layer: 'network',
        observedAt: 'yesterday',
        compositeId: compositeId({ port: 1 }),
        sensor: { id: 'zeek-1', kind: 'zeek' },
        flow: {
          srcAddressHash: hostIdHash,
          dstAddressHash: hostIdHash,
          dstPort: 3001,
          transport: 'http',
        },
        mcp: { method: 'initialize' },
      }),
    ).toThrow(/observedAt/);
  });

  it('validates a host status as it comes on its own (NATS): the schema, and no NUL anywhere', () => {
    const status = {
      idHash: hostIdHash,
      os: 'linux',
      owner: 'user:default/dana',
      enforcement: [],
      observedAt: '2026-12-02T09:00:00Z',
      scan: { configIds: [], unreadConfigs: [] },
    };
    expect(validateHostStatus(status)).toEqual({ success: true, status });
    expect(
      validateHostStatus({ ...status, owner: 'user:default/d\u0000na' }),
    ).toEqual({
      success: false,
      issues: [
        {
          field: 'owner',
          message: 'must not contain NUL (\\u0000) characters',
        },
      ],
    });
    expect(validateHostStatus({ ...status, os: 'plan9', extra: 1 })).toEqual({
      success: false,
      issues: expect.arrayContaining([
        expect.objectContaining({ field: 'os' }),
        expect.objectContaining({ message: expect.stringContaining('extra') }),
      ]),
    });
  });
});
