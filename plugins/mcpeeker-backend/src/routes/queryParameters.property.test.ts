// Assertions run inside fast-check's properties (`expectAnswer`).
/* eslint-disable jest/expect-expect */
import fc from 'fast-check';
import { Knex } from 'knex';
import request from 'supertest';
import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import {
  accessTestBackend,
  as,
  inDays,
  registration,
} from '../__testUtils__/accessTestBackend';
import { HOST } from '../__testUtils__/events';

// Generous: a busy two-core machine; run counts stay small for the same reason.
jest.setTimeout(300_000);

const access = accessTestBackend(['SQLITE_3']);
const api = '/api/mcpeeker';
const danas = compositeId({ hostIdHash: HOST, port: 3001 });

// The embedded default runs in development, where Backstage's error handler
// shows messages and stacks: what a person can reach is what is tested.
const nodeEnv = process.env.NODE_ENV;
beforeAll(() => {
  (process.env as Record<string, string>).NODE_ENV = 'development';
});
afterAll(() => {
  (process.env as Record<string, string>).NODE_ENV = nodeEnv!;
});

/** The parameters the read routes know, and others. */
const KEYS = [
  'classification',
  'minScore',
  'maxScore',
  'minRisk',
  'highRisk',
  'layer',
  'host',
  'registry',
  'since',
  'until',
  'firstSeenFrom',
  'firstSeenTo',
  'detectedFrom',
  'detectedTo',
  'q',
  'serverName',
  'judge',
  'status',
  'assignee',
  'suppressed',
  'gone',
  'suppression',
  'verdict',
  'sort',
  'limit',
  'cursor',
  'format',
  'window',
  'bucket',
  'days',
  'from',
  'to',
  'search',
  'version',
  'entry',
  'owner',
  'team',
  'expiring',
];

const VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1e400',
  'NaN',
  '99999999999999999999',
  '2026-11-21T10:00:00Z',
  '2026-13-45T99:99:99Z',
  'authorized,suspect',
  'unauthorized,,bogus',
  'json',
  'csv',
  'sarif',
  'endpoint',
  'none',
  'user:default/sam',
  'include',
  'only',
  'high',
  "'; DROP TABLE mcpeeker_findings; --",
  '%',
  '\u0000',
  '\uD800',
  '../../etc/passwd',
  '<script>',
  'eyJvZmZzZXQiOjF9',
  'a'.repeat(600),
];

/** Percent-encoded; a lone surrogate as the bytes of one (not UTF-8), as a hostile client sends it. */
const encode = (text: string) =>
  text
    .split(/([\uD800-\uDFFF])/)
    .map(part =>
      /^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part),
    )
    .join('');

/** One parameter as a query string part: plain, repeated, bracketed (`qs` objects), or raw. */
const parameter = fc
  .record({
    key: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...KEYS) },
      fc.string({ minLength: 1, maxLength: 20 }),
    ),
    value: fc.oneof(
      fc.constantFrom(...VALUES),
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
      fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
    ),
    shape: fc.constantFrom(
      'plain',
      'plain',
      'plain',
      'twice',
      'bracket',
      'nested',
      'raw',
    ),
  })
  .map(({ key, value, shape }) => {
    const k = encode(key);
    const v = encode(value);
    switch (shape) {
      case 'twice':
        return { key, part: `${k}=${v}&${k}=${v}` };
      case 'bracket':
        return { key, part: `${k}[]=${v}` };
      case 'nested':
        return { key, part: `${k}[a][b]=${v}` };
      case 'raw':
        // As typed: a stray `%` or `[` unescaped (what an HTTP client can send at all).
        return { key, part: `${k}=${value.replace(/[^\x21-\x7e]|[&#]/g, '')}` };
      default:
        return { key, part: `${k}=${v}` };
    }
  });

const query = fc.array(parameter, { maxLength: 5 });

const READ_ROUTES = [
  '/findings',
  '/findings/export',
  '/analytics/summary',
  '/analytics/score-distribution',
  '/analytics/trendlines',
  '/registry',
  '/v0.1/servers',
  '/audit',
  '/suppressions',
];

/** 200, or 400 with a message naming a parameter; nothing else, and nothing of SQL, a stack or the input. */
function expectAnswer(
  url: string,
  res: request.Response,
  sent: Array<{ key: string; part: string }>,
  values: string[],
) {
  const problem = (why: string) =>
    new Error(
      `GET ${url} → ${res.status} ${why}: ${JSON.stringify(
        res.body ?? res.text,
      ).slice(0, 600)}`,
    );
  if (res.status === 200) return;
  if (res.status !== 400) throw problem('is neither 200 nor 400');
  const message: unknown = res.body?.error?.message;
  if (typeof message !== 'string' || message.trim() === '')
    throw problem('has no message');
  if (
    !sent.some(({ key }) => message.includes(key)) &&
    !/\bquery\b/.test(message)
  )
    throw problem('names no parameter');
  const body = JSON.stringify(res.body);
  if (/\bselect\b|\binsert\b|\bfrom\b.*mcpeeker_/i.test(body))
    throw problem('carries SQL');
  if (/\n\s+at |\bat [\w.<>]+ \(/.test(body)) throw problem('carries a stack');
  // Long values are the caller's data, not a name: never sent back.
  for (const value of values)
    if (value.length >= 24 && body.includes(value))
      throw problem('carries the input back');
}

const valuesOf = (parts: Array<{ part: string }>) =>
  parts.flatMap(({ part }) =>
    part.split('&').map(p => {
      try {
        return decodeURIComponent(p.slice(p.indexOf('=') + 1));
      } catch {
        return p.slice(p.indexOf('=') + 1);
      }
    }),
  );

describe('query parameters and bodies, on any input', () => {
  let server: any;
  let knex: Knex;

  beforeAll(async () => {
    ({ server, knex } = await access.start());
    await request(server)
      .post(`${api}/registry`)
      .set(as('dana'))
      .send(registration())
      .expect(201);
  });

  it('answers any query string on every read route with 200 or a 400 naming a parameter', async () => {
    // Each route as each role that may read it (the others answer 403 to any query).
    const readers: Array<[string, string]> = [];
    for (const route of READ_ROUTES)
      for (const who of ['sam', 'dana', 'pat']) {
        const res = await request(server).get(`${api}${route}`).set(as(who));
        if (res.status === 200) readers.push([route, who]);
      }
    expect(readers.map(([route]) => route)).toEqual(
      expect.arrayContaining(READ_ROUTES),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...readers),
        query,
        async ([route, who], parts) => {
          const url = `${api}${route}${parts.length ? '?' : ''}${parts
            .map(p => p.part)
            .join('&')}`;
          const res = await request(server).get(url).set(as(who));
          expectAnswer(url, res, parts, valuesOf(parts));
        },
      ),
      { numRuns: 250 },
    );
  });

  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  const rows = async () => ({
    registry: await count('mcpeeker_registry_entries'),
    feedback: await count('mcpeeker_feedback'),
    suppressions: await count('mcpeeker_suppressions'),
    audit: await count('mcpeeker_audit'),
  });

  /** A valid body with one field replaced, removed, or added. */
  const changed = (valid: Record<string, unknown>) =>
    fc
      .record({
        key: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...Object.keys(valid)) },
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        value: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.constantFrom(...VALUES),
          fc.constant(undefined),
        ),
      })
      .map(({ key, value }) => {
        const body: Record<string, unknown> = { ...valid };
        if (value === undefined) delete body[key];
        else body[key] = value;
        return body;
      });

  it('stores nothing of a registry write or feedback it refuses, and says what is wrong', async () => {
    const registryBody = registration({
      name: 'property-mcp',
      identity: { hostIdHash: HOST, port: 3999 },
      expiresAt: inDays(30),
    });
    const feedbackBody = {
      verdict: 'true-positive',
      note: 'seen on the laptop',
      tags: ['confirmed'],
    };
    const entries = await request(server)
      .get(`${api}/registry`)
      .set(as('dana'))
      .expect(200);
    const entryId = entries.body.items[0].id;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          changed(registryBody).map(body => ({
            method: 'post' as const,
            path: `${api}/registry`,
            body,
          })),
          changed(registryBody).map(body => ({
            method: 'patch' as const,
            path: `${api}/registry/${entryId}`,
            body,
          })),
          changed(feedbackBody).map(body => ({
            method: 'post' as const,
            path: `${api}/findings/${danas}/feedback`,
            body,
          })),
        ),
        async ({ method, path, body }) => {
          const before = await rows();
          const res = await request(server)
            [method](path)
            .set(as(path.includes('feedback') ? 'sam' : 'dana'))
            .send(body);
          if ([200, 201].includes(res.status)) return;
          // Refused: a reason (a conflict or a 400 naming the field), and nothing written.
          if (![400, 409].includes(res.status))
            throw new Error(
              `${method} ${path} → ${res.status}: ${JSON.stringify(
                res.body,
              ).slice(0, 600)}`,
            );
          expect(res.body.error.message).toMatch(/\S/);
          const text = JSON.stringify(res.body);
          expect(text).not.toMatch(/\n\s+at |\bselect\b|\binsert\b/i);
          expect(await rows()).toEqual(before);
        },
      ),
      { numRuns: 150 },
    );
  });
});
