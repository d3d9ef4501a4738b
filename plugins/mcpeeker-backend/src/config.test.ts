import { ConfigReader } from '@backstage/config';
import { DEVELOPMENT_HOST_ID_SALT } from '@mcpeeker/plugin-mcpeeker-common';
import { readMcpeekerConfig } from './config';

const dev = { production: false };
const prod = { production: true };
const read = (mcpeeker: unknown, options = dev) =>
  readMcpeekerConfig(new ConfigReader({ mcpeeker } as any), options);

describe('readMcpeekerConfig', () => {
  it('runs the embedded demo with no configuration at all', () => {
    const config = readMcpeekerConfig(new ConfigReader({}), dev);
    expect(config).toMatchObject({
      hostIdSalt: DEVELOPMENT_HOST_ID_SALT,
      hostIdSaltIsDevelopmentDefault: true,
      ingest: {
        http: { enabled: true },
        nats: {
          enabled: false,
          stream: 'MCP_EVENTS',
          consumer: 'mcpeeker-backend',
          batchSize: 500,
          concurrency: 1,
          replicas: 1,
        },
      },
      store: { kind: 'database' },
      judge: { provider: 'offline', timeoutMs: 10000 },
    });
  });

  it('overlaps batches by default only where the store allows it', () => {
    const clickhouse = read({
      store: { kind: 'clickhouse', clickhouse: { url: 'http://ch:8123' } },
    });
    expect(clickhouse.ingest.nats.concurrency).toBe(4);
    expect(
      read({ ingest: { nats: { concurrency: 2 } } }).ingest.nats.concurrency,
    ).toBe(2);
  });

  it('uses Claude as soon as an API key is set', () => {
    expect(read({ judge: { anthropic: { apiKey: 'k' } } }).judge).toEqual({
      provider: 'anthropic',
      timeoutMs: 10000,
      maxPoints: 5,
      cacheTtlSeconds: 86400,
      concurrency: 4,
      circuit: { failures: 5, cooldownSeconds: 30 },
      anthropic: {
        apiKey: 'k',
        model: 'claude-sonnet-4-5',
        maxTokens: 600,
        baseUrl: undefined,
      },
    });
    expect(read({}).judge.provider).toBe('offline');
  });

  it('reads what risk facts add to a score, with defaults for what is not set', () => {
    expect(read({}).scoring.risk).toEqual({
      points: { high: 3, medium: 2, low: 1 },
      maxPoints: 6,
    });
    expect(
      read({ scoring: { risk: { points: { low: 0 }, maxPoints: 4 } } }).scoring
        .risk,
    ).toEqual({ points: { high: 3, medium: 2, low: 0 }, maxPoints: 4 });
  });

  it.each([
    [
      { scoring: { risk: { points: { high: 9 } } } },
      /mcpeeker\.scoring\.risk\.points\.high must be a whole number from 0 to 8/,
    ],
    [
      { scoring: { risk: { severity: 1 } } },
      /mcpeeker\.scoring\.risk\.severity is not a known key/,
    ],
    [{ judge: { timeoutMs: 'soon' } }, /mcpeeker\.judge\.timeoutMs/],
    [{ judge: { maxPoints: -2 } }, /mcpeeker\.judge\.maxPoints.*0 to 8/],
    [{ judge: { maxPoints: 20 } }, /mcpeeker\.judge\.maxPoints/],
    [
      { judge: { circuit: { failure: 3 } } },
      /mcpeeker\.judge\.circuit\.failure/,
    ],
    [
      { ingest: { nats: { enabled: 'yes' } } },
      /mcpeeker\.ingest\.nats\.enabled/,
    ],
    [
      { ingest: { nats: { servers: 'nats://x' } } },
      /mcpeeker\.ingest\.nats\.servers/,
    ],
    [
      { store: { kind: 'mongodb' } },
      /mcpeeker\.store\.kind must be one of database, clickhouse, got 'mongodb'/,
    ],
    [
      { judge: { provider: 'gpt' } },
      /mcpeeker\.judge\.provider must be one of offline, anthropic/,
    ],
    [
      { judge: { timeoutMs: -1 } },
      /mcpeeker\.judge\.timeoutMs must be a positive/,
    ],
    [
      {
        notifications: {
          webhooks: [{ url: 'ftp://x', secret: 's'.repeat(16) }],
        },
      },
      /mcpeeker\.notifications\.webhooks\[0\]\.url must be an http\(s\) URL/,
    ],
    [
      {
        notifications: {
          webhooks: [{ url: 'https://hooks.example/x', secret: 'short' }],
        },
      },
      /mcpeeker\.notifications\.webhooks\[0\]\.secret is required, at least 16 characters/,
    ],
    [
      {
        notifications: {
          webhooks: [
            {
              url: 'https://hooks.example/x',
              secret: 's'.repeat(16),
              events: ['approved', 'exploded'],
            },
          ],
        },
      },
      /webhooks\[0\]\.events has unknown events exploded/,
    ],
    [
      {
        notifications: {
          webhooks: [
            {
              url: 'https://hooks.example/x',
              secret: 's'.repeat(16),
              colour: 'red',
            },
          ],
        },
      },
      /webhooks\[0\]\.colour is not a known key/,
    ],
    [
      { ingest: { nats: { batchSize: 0 } } },
      /mcpeeker\.ingest\.nats\.batchSize must be a whole number from 1 to 5000, got 0/,
    ],
    [
      { ingest: { nats: { concurrency: 2.5 } } },
      /mcpeeker\.ingest\.nats\.concurrency must be a whole number from 1 to 16/,
    ],
    [
      { ingest: { nats: { replicas: 7 } } },
      /mcpeeker\.ingest\.nats\.replicas must be a whole number from 1 to 5, got 7/,
    ],
    [
      { audit: { hmacKey: 'short' } },
      /mcpeeker\.audit\.hmacKey must be at least 32 characters/,
    ],
    [
      { cursors: { hmacKey: 'short' } },
      /mcpeeker\.cursors\.hmacKey must be at least 32 characters/,
    ],
  ])(
    'names the key of a value of the wrong type or range: %j',
    (mcpeeker, message) => {
      expect(() => read(mcpeeker)).toThrow(message);
    },
  );

  it('names an unknown key and lists the known ones', () => {
    expect(() => read({ ingest: { nats: { sever: ['x'] } } })).toThrow(
      'Invalid MCPeeker configuration: mcpeeker.ingest.nats.sever is not a known key (known under mcpeeker.ingest.nats: enabled, servers, stream, consumer, subjectPrefix, createStream, batchSize, concurrency, replicas, credentials, tls)',
    );
    expect(() => read({ judgeTimeout: 1 })).toThrow(
      /mcpeeker\.judgeTimeout is not a known key/,
    );
  });

  it('refuses production without the host-id salt', () => {
    expect(() => read({}, prod)).toThrow(
      /mcpeeker\.hostIdSalt is required in production/,
    );
    expect(() => readMcpeekerConfig(new ConfigReader({}), prod)).toThrow(
      /mcpeeker\.hostIdSalt/,
    );
    expect(
      read({ hostIdSalt: 'a-long-enough-salt' }, prod)
        .hostIdSaltIsDevelopmentDefault,
    ).toBe(false);
    expect(() => read({ hostIdSalt: 'short' }, prod)).toThrow(
      /mcpeeker\.hostIdSalt must be at least 16/,
    );
  });

  it('names the secret each enabled production dependency needs', () => {
    expect(() => read({ judge: { provider: 'anthropic' } })).toThrow(
      /mcpeeker\.judge\.anthropic\.apiKey is required when mcpeeker\.judge\.provider is anthropic/,
    );
    expect(() => read({ store: { kind: 'clickhouse' } })).toThrow(
      /mcpeeker\.store\.clickhouse\.url is required/,
    );
    expect(() => read({ ingest: { nats: { enabled: true } } })).toThrow(
      /mcpeeker\.ingest\.nats\.servers is required/,
    );
  });
});
