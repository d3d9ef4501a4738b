import {
  commandSignature,
  compositeId,
  COMPOSITE_ID_PATTERN,
  normalizeServerUrl,
} from './compositeId';
import { canonicalJson, hashIdentifier } from './hashing';

const SALT = 'fleet-salt';

describe('hashIdentifier', () => {
  it('hides the host id and depends on the salt', () => {
    const hash = hashIdentifier('laptop-alice.corp.example', SALT);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('alice');
    expect(hashIdentifier('laptop-alice.corp.example', 'other-salt')).not.toBe(
      hash,
    );
  });

  it('treats case and surrounding space as the same host', () => {
    expect(hashIdentifier(' LAPTOP-Alice.corp.example ', SALT)).toBe(
      hashIdentifier('laptop-alice.corp.example', SALT),
    );
  });

  it('refuses an empty salt', () => {
    expect(() => hashIdentifier('host', '')).toThrow(/salt/);
  });
});

describe('compositeId', () => {
  const host = hashIdentifier('host-1', SALT);

  it('is deterministic and well-formed', () => {
    const id = compositeId({ hostIdHash: host, port: 3001 });
    expect(id).toMatch(COMPOSITE_ID_PATTERN);
    expect(compositeId({ port: 3001, hostIdHash: host })).toBe(id);
  });

  it('tells apart servers on another port, host, manifest or command', () => {
    const base = compositeId({ hostIdHash: host, port: 3001 });
    expect(compositeId({ hostIdHash: host, port: 3002 })).not.toBe(base);
    expect(
      compositeId({ hostIdHash: hashIdentifier('host-2', SALT), port: 3001 }),
    ).not.toBe(base);
    expect(
      compositeId({ hostIdHash: host, port: 3001, manifestHash: 'abc' }),
    ).not.toBe(base);
    expect(
      compositeId({ hostIdHash: host, port: 3001, processSignature: 'npx x' }),
    ).not.toBe(base);
  });

  it('rejects an identity with nothing in it and a port out of range', () => {
    expect(() => compositeId({})).toThrow(/at least one/);
    expect(() => compositeId({ hostIdHash: host, port: 70000 })).toThrow(
      /not a TCP port/,
    );
  });
});

describe('commandSignature', () => {
  it('is the same on two hosts that run one server with different keys', () => {
    const a = commandSignature('/usr/local/bin/npx', [
      '-y',
      '@acme/mcp-server',
      '--api-key',
      'sk-live-one',
    ]);
    const b = commandSignature('C:\\Program Files\\nodejs\\npx.cmd', [
      '-y',
      '@acme/mcp-server',
      '--api-key=sk-live-two',
    ]);
    expect(a).toBe('npx -y @acme/mcp-server --api-key');
    expect(b).toBe(a);
  });
});

describe('normalizeServerUrl', () => {
  it('drops credentials, query and trailing slash', () => {
    expect(
      normalizeServerUrl('HTTPS://user:pw@MCP.Example.com:443/mcp/?token=x#a'),
    ).toBe('https://mcp.example.com/mcp');
  });
});

describe('canonicalJson', () => {
  it('serialises equal content to equal text whatever the key order', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }),
    ).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
