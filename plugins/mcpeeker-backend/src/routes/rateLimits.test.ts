import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import request from 'supertest';
import { accessTestBackend, as } from '../__testUtils__/accessTestBackend';
import { endpointEvent } from '../__testUtils__/events';
import { readMcpeekerConfig } from '../config';
import { TokenBuckets } from './rateLimits';

jest.setTimeout(60_000);

const access = accessTestBackend();

const agent = (subject: string) => ({
  Authorization: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'mcpeeker',
  }),
});

describe('rate limits', () => {
  it('answers an agent over its credential’s limit with 429 and Retry-After, and not another agent', async () => {
    const { server } = await access.start({
      rateLimits: {
        ingest: {
          perCredential: { requestsPerSecond: 0.01, burst: 3 },
          perAddress: false,
        },
      },
    });
    const send = (who: Record<string, string>) =>
      request(server)
        .post('/api/mcpeeker/events')
        .set(who)
        .send({ events: [endpointEvent()] });
    // The test backend's start sent one batch as the default service.
    for (let i = 0; i < 3; i++)
      expect((await send(agent('external:fleet-a'))).status).toBe(202);
    const limited = await send(agent('external:fleet-a'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error).toMatchObject({
      name: 'RateLimitedError',
      message: expect.stringContaining(
        'mcpeeker.rateLimits.ingest.perCredential',
      ),
    });
    expect((await send(agent('external:fleet-b'))).status).toBe(202);
  });

  it('counts each enrolled agent’s credential on its own, before it is even looked up', async () => {
    const { server } = await access.start({
      rateLimits: {
        ingest: {
          perCredential: { requestsPerSecond: 0.01, burst: 2 },
          perAddress: false,
        },
      },
    });
    const send = (credential: string) =>
      request(server)
        .post('/api/mcpeeker/events')
        .set('x-mcpeeker-agent-credential', credential)
        .send({ events: [endpointEvent()] });
    // Unknown credentials are refused (401) — and still counted.
    expect((await send('mcpa_forged-1')).status).toBe(401);
    expect((await send('mcpa_forged-1')).status).toBe(401);
    expect((await send('mcpa_forged-1')).status).toBe(429);
    expect((await send('mcpa_forged-2')).status).toBe(401);
  });

  it('limits the MCP Registry API by address, without a token, and not when turned off', async () => {
    const { server } = await access.start({
      registryApi: { allowUnauthenticated: true },
      rateLimits: {
        registryApi: { perAddress: { requestsPerSecond: 0.01, burst: 2 } },
        ingest: { perAddress: false },
      },
    });
    const list = () => request(server).get('/api/mcpeeker/v0.1/servers');
    expect((await list()).status).toBe(200);
    expect((await list()).status).toBe(200);
    const limited = await list();
    expect([limited.status, limited.body.error?.message]).toEqual([
      429,
      expect.stringContaining('mcpeeker.rateLimits.registryApi.perAddress'),
    ]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other routes of the plugin are not part of that limit.
    expect(
      (await request(server).get('/api/mcpeeker/registry').set(as('pat')))
        .status,
    ).toBe(200);

    const { server: open } = await access.start({
      registryApi: { allowUnauthenticated: true },
      rateLimits: { registryApi: { perAddress: false, perCredential: false } },
    });
    for (let i = 0; i < 60; i++)
      expect(
        (await request(open).get('/api/mcpeeker/v0.1/servers')).status,
      ).toBe(200);
  });

  it('refills at the configured rate and keeps at most maxKeys buckets', () => {
    let now = 0;
    const buckets = new TokenBuckets(
      { requestsPerSecond: 2, burst: 2 },
      { maxKeys: 100, now: () => now },
    );
    expect(buckets.take('a')).toEqual({});
    expect(buckets.take('a')).toEqual({});
    expect(buckets.take('a')).toEqual({ retryAfterSeconds: 1 });
    now += 500;
    expect(buckets.take('a')).toEqual({});
    for (let i = 0; i < 10_000; i++) buckets.take(`address-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });

  it('reads limits with defaults, false and 0 as off, and names a bad key', () => {
    const read = (rateLimits: unknown) =>
      readMcpeekerConfig(
        new ConfigReader({ mcpeeker: { rateLimits } } as any),
        {
          production: false,
        },
      ).rateLimits;
    expect(read({})).toEqual({
      ingest: {
        perCredential: { requestsPerSecond: 50, burst: 100 },
        perAddress: { requestsPerSecond: 50, burst: 100 },
      },
      registryApi: {
        perCredential: { requestsPerSecond: 20, burst: 40 },
        perAddress: { requestsPerSecond: 20, burst: 40 },
      },
    });
    expect(
      read({
        ingest: { perCredential: false, perAddress: { requestsPerSecond: 0 } },
        registryApi: { perAddress: { requestsPerSecond: 5 } },
      }),
    ).toMatchObject({
      ingest: { perCredential: undefined, perAddress: undefined },
      registryApi: { perAddress: { requestsPerSecond: 5, burst: 10 } },
    });
    expect(() =>
      read({ ingest: { perCredential: { requestsPerSecond: -1 } } }),
    ).toThrow(/mcpeeker.rateLimits.ingest.perCredential.requestsPerSecond/);
    expect(() =>
      read({ ingest: { perCredential: { requestsPerSecond: 1, burst: 0.5 } } }),
    ).toThrow(/mcpeeker.rateLimits.ingest.perCredential.burst/);
    expect(() => read({ ingest: { perCredential: true } })).toThrow(
      /mcpeeker.rateLimits.ingest.perCredential must be false or/,
    );
    expect(() => read({ ingset: {} })).toThrow(
      /mcpeeker.rateLimits.ingset is not a known key/,
    );
  });
});
