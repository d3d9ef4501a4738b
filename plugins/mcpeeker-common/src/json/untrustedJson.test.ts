import { compositeId, createEvent, validateEvent } from '../index';
import { exceedsJsonDepth, findNulCharacter } from './untrustedJson';

const nested = (levels: number) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('untrusted JSON', () => {
  it('measures depth without recursion, even 100,000 levels down', () => {
    expect(exceedsJsonDepth(nested(64))).toBe(false);
    expect(exceedsJsonDepth(nested(65))).toBe(true);
    expect(exceedsJsonDepth(nested(100_000))).toBe(true);
  });

  it('names the field holding a NUL character, key or value', () => {
    expect(findNulCharacter({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe(
      'a.1.c',
    );
    expect(findNulCharacter({ a: { 'k\u0000': 1 } })).toBe('a.k\\u0000');
    expect(findNulCharacter({ a: ['fine'] })).toBeUndefined();
  });

  it('lets validateEvent refuse one event with a NUL, naming the field', () => {
    const hostIdHash = 'a'.repeat(64);
    const event = createEvent({
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
        serverInfo: { name: 'acme', version: '1.0.0' },
        tools: ['echo'],
      },
    });
    const hostile = JSON.parse(
      JSON.stringify(event).replace('"acme"', '"ac\\u0000me"'),
    );
    expect(validateEvent(hostile)).toEqual({
      success: false,
      issues: [
        {
          field: 'detection.serverInfo.name',
          message: 'must not contain NUL (\\u0000) characters',
        },
      ],
    });
  });
});
