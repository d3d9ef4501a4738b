import Ajv2020 from 'ajv/dist/2020';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  as,
  inDays,
  accessTestBackend,
} from '../__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

/**
 * The official MCP registry's OpenAPI document (v0.1 paths), as published:
 * see __fixtures__/mcp-registry-openapi.SOURCE.md for where it comes from.
 */
const openapi = YAML.parse(
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'mcp-registry-openapi.yaml'),
    'utf8',
  ),
);
// The document's own JSON Schema dialect (2020-12); OpenAPI's `example` and
// the like are annotations the validator passes over.
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat(
  'date-time',
  s =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) &&
    !Number.isNaN(Date.parse(s)),
);
ajv.addFormat('uri', s => {
  try {
    return Boolean(new URL(s)) && /^[a-z][a-z0-9+.-]*:/i.test(s);
  } catch {
    return false;
  }
});
ajv.addSchema(openapi);

const pointer = (...segments: string[]) =>
  `#/${segments
    .map(s => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('/')}`;

/** The document's path template a request path falls under. */
function templateOf(requestPath: string): string {
  const found = Object.keys(openapi.paths).find(template =>
    new RegExp(
      `^${template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`,
    ).test(requestPath),
  );
  if (!found) throw new Error(`${requestPath} is no path of the document`);
  return found;
}

const API = '/api/mcpeeker';

/**
 * GET a path of the registry API and check the answer against the document:
 * its status is one the operation documents, and its JSON body is valid by
 * that response's schema. `template` names the operation for a path the
 * document spells otherwise (a server name with its slash unencoded).
 */
async function getChecked(
  server: any,
  pathAndQuery: string,
  template?: string,
) {
  const res = await request(server).get(`${API}${pathAndQuery}`);
  const op = template ?? templateOf(pathAndQuery.split('?')[0]);
  const response = openapi.paths[op].get.responses[String(res.status)];
  if (!response)
    throw new Error(
      `GET ${pathAndQuery} answered ${
        res.status
      }, which ${op} does not document: ${JSON.stringify(res.body)}`,
    );
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const validate = ajv.compile({
    $ref: `${openapi.$id}${pointer(
      'paths',
      op,
      'get',
      'responses',
      String(res.status),
      'content',
      'application/json',
      'schema',
    )}`,
  });
  if (!validate(res.body))
    throw new Error(
      `GET ${pathAndQuery} (${
        res.status
      }) breaks the OpenAPI document: ${ajv.errorsText(
        validate.errors,
      )}\n${JSON.stringify(res.body, null, 2)}`,
    );
  return res;
}

const weather = (version: string) => ({
  $schema:
    'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
  name: 'io.github.acme/weather',
  description: 'Weather forecasts for the whole company',
  title: 'Weather',
  version,
  repository: { url: 'https://github.com/acme/weather-mcp', source: 'github' },
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/weather-mcp',
      version,
      transport: { type: 'stdio' },
      environmentVariables: [
        { name: 'WEATHER_API_KEY', isSecret: true, isRequired: true },
      ],
    },
  ],
});

// The longest name a registry entry takes (128 characters).
const LONG_NAME = `io.github.acme/${'x'.repeat(113)}`;

const access = accessTestBackend();
let server: any;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ server } = await access.start({
    registryApi: { allowUnauthenticated: true },
  }));
  const register = async (
    key: string,
    body: Record<string, unknown>,
    decision?: 'approve' | 'deny',
  ) => {
    const created = await request(server)
      .post(`${API}/registry${body.serverJson ? '/import' : ''}`)
      .set(as('dana'))
      .send({ team: 'group:default/team-a', expiresAt: inDays(60), ...body })
      .expect(201);
    ids[key] = created.body.id;
    if (decision)
      await request(server)
        .post(`${API}/registry/${created.body.id}/${decision}`)
        .set(as('pat'))
        .send({})
        .expect(200);
  };
  await register('weather-1.2.0', { serverJson: weather('1.2.0') }, 'approve');
  await register('weather-1.3.0', { serverJson: weather('1.3.0') }, 'approve');
  await register(
    'long',
    {
      serverJson: {
        ...weather('2.0.0'),
        name: LONG_NAME,
        packages: [
          { ...weather('2.0.0').packages[0], identifier: '@acme/long' },
        ],
      },
    },
    'approve',
  );
  // A local (stdio) server registered from what the agent saw, without server.json.
  await register(
    'files',
    {
      name: 'files-mcp',
      purpose: 'Reads the design folder for the docs team',
      transport: 'stdio',
      identity: {
        packageId: '@acme/files-mcp',
        packageVersion: '0.4.1',
        commandSignature: 'npx -y @acme/files-mcp@0.4.1',
      },
    },
    'approve',
  );
  // Registered under the reverse-DNS name its publisher gave it, run by uvx.
  await register(
    'time',
    {
      name: 'io.github.acme/time',
      purpose: 'Tells the time in every office',
      transport: 'stdio',
      identity: {
        packageId: 'mcp-server-time',
        commandSignature: 'uvx mcp-server-time',
      },
    },
    'approve',
  );
  // A remote server whose URL was registered with credentials in it.
  await register(
    'remote',
    {
      name: 'io.acme/tickets',
      purpose: 'Files tickets in the service desk',
      transport: 'http',
      identity: { remoteUrl: 'https://bot:s3cret@mcp.acme.example/mcp' },
    },
    'approve',
  );
  // Neither of these is any client's business.
  await register('pending', {
    name: 'io.github.acme/secret-plans',
    purpose: 'Not decided yet, not to be served',
    transport: 'stdio',
    identity: { packageId: '@acme/secret-plans' },
  });
  await register(
    'denied',
    {
      name: 'io.github.acme/denied',
      purpose: 'Refused by the platform admins',
      transport: 'stdio',
      identity: { packageId: '@acme/denied' },
    },
    'deny',
  );
});

const APPROVED = [
  'io.acme/tickets@0.0.0',
  'io.github.acme/time@0.0.0',
  'io.github.acme/weather@1.2.0',
  'io.github.acme/weather@1.3.0',
  `${LONG_NAME}@2.0.0`,
  'io.mcpeeker.team-a/files-mcp@0.4.1',
];
const nameAt = (r: any) => `${r.server.name}@${r.server.version}`;

describe('the MCP Registry API v0.1, checked against the official OpenAPI document', () => {
  it('answers the probe clients send first (/v0.1/servers?limit=1) with one server and a cursor', async () => {
    const res = await getChecked(server, '/v0.1/servers?limit=1');
    expect(res.body.servers).toHaveLength(1);
    expect(res.body.metadata).toEqual({
      count: 1,
      nextCursor: expect.any(String),
    });
  });

  it('pages through every approved server and version exactly once, and nothing else', async () => {
    for (const limit of [1, 2, 30]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await getChecked(
          server,
          `/v0.1/servers?limit=${limit}${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
        expect(res.body.servers.length).toBeLessThanOrEqual(limit);
        expect(res.body.metadata.count).toBe(res.body.servers.length);
        seen.push(...res.body.servers.map(nameAt));
        cursor = res.body.metadata.nextCursor;
        // What clients keep of a cursor (mcpeeker-agent policy: 200 characters).
        expect(cursor?.length ?? 0).toBeLessThanOrEqual(200);
      } while (cursor);
      expect(seen).toEqual(APPROVED);
    }
  });

  it('serves the latest version of each server with version=latest, as VS Code lists them', async () => {
    const res = await getChecked(
      server,
      '/v0.1/servers?limit=50&version=latest',
    );
    expect(res.body.servers.map(nameAt)).toEqual([
      'io.acme/tickets@0.0.0',
      'io.github.acme/time@0.0.0',
      'io.github.acme/weather@1.3.0',
      `${LONG_NAME}@2.0.0`,
      'io.mcpeeker.team-a/files-mcp@0.4.1',
    ]);
    for (const s of res.body.servers)
      expect(
        s._meta['io.modelcontextprotocol.registry/official'],
      ).toMatchObject({ status: 'active', isLatest: true });
    const exact = await getChecked(server, '/v0.1/servers?version=1.2.0');
    expect(exact.body.servers.map(nameAt)).toEqual([
      'io.github.acme/weather@1.2.0',
    ]);
  });

  it('searches by name, and takes the next page’s cursor without the search as VS Code sends it', async () => {
    const found = await getChecked(
      server,
      '/v0.1/servers?search=WEATH&limit=1',
    );
    expect(found.body.servers.map(nameAt)).toEqual([
      'io.github.acme/weather@1.2.0',
    ]);
    // VS Code asks for the following pages with the cursor alone.
    const next = await getChecked(
      server,
      `/v0.1/servers?limit=50&version=latest&cursor=${found.body.metadata.nextCursor}`,
    );
    expect(next.body.servers.map(nameAt)).toEqual([
      'io.github.acme/weather@1.3.0',
      `${LONG_NAME}@2.0.0`,
      'io.mcpeeker.team-a/files-mcp@0.4.1',
    ]);
    const none = await getChecked(server, '/v0.1/servers?search=secret');
    expect(none.body).toEqual({ servers: [], metadata: { count: 0 } });
  });

  it('lists a server’s versions newest first, and serves latest and an exact version, the name encoded or not', async () => {
    const name = encodeURIComponent('io.github.acme/weather');
    const versions = await getChecked(server, `/v0.1/servers/${name}/versions`);
    expect(versions.body.servers.map(nameAt)).toEqual([
      'io.github.acme/weather@1.3.0',
      'io.github.acme/weather@1.2.0',
    ]);
    expect(
      versions.body.servers.map(
        (s: any) =>
          s._meta['io.modelcontextprotocol.registry/official'].isLatest,
      ),
    ).toEqual([true, false]);
    const latest = await getChecked(
      server,
      `/v0.1/servers/${name}/versions/latest`,
    );
    expect(latest.body.server).toEqual(weather('1.3.0'));
    const exact = await getChecked(
      server,
      `/v0.1/servers/${name}/versions/1.2.0`,
    );
    expect(exact.body.server).toEqual(weather('1.2.0'));
    const unencoded = await getChecked(
      server,
      '/v0.1/servers/io.github.acme/weather/versions/latest',
      '/v0.1/servers/{serverName}/versions/{version}',
    );
    expect(unencoded.body).toEqual(latest.body);
    const unencodedList = await getChecked(
      server,
      '/v0.1/servers/io.github.acme/weather/versions',
      '/v0.1/servers/{serverName}/versions',
    );
    expect(unencodedList.body).toEqual(versions.body);
  });

  it('answers an unknown, pending or denied server, and an unknown version, with the document’s 404', async () => {
    for (const [p, error] of [
      ['io.github.acme/nothing', 'Server not found'],
      ['io.github.acme/secret-plans', 'Server not found'],
      ['io.github.acme/denied', 'Server not found'],
    ]) {
      for (const suffix of ['/versions', '/versions/latest']) {
        const res = await getChecked(
          server,
          `/v0.1/servers/${encodeURIComponent(p)}${suffix}`,
        );
        expect([res.status, res.body]).toEqual([404, { error }]);
      }
    }
    const version = await getChecked(
      server,
      `/v0.1/servers/${encodeURIComponent(
        'io.github.acme/weather',
      )}/versions/9.9.9`,
    );
    expect([version.status, version.body]).toEqual([
      404,
      { error: 'Server version not found' },
    ]);
  });

  it('serves a local server with the package clients install and match it by', async () => {
    const files = await getChecked(
      server,
      `/v0.1/servers/${encodeURIComponent(
        'io.mcpeeker.team-a/files-mcp',
      )}/versions/latest`,
    );
    expect(files.body.server).toEqual({
      name: 'io.mcpeeker.team-a/files-mcp',
      title: 'files-mcp',
      description: 'Reads the design folder for the docs team',
      version: '0.4.1',
      packages: [
        {
          registryType: 'npm',
          runtimeHint: 'npx',
          identifier: '@acme/files-mcp',
          version: '0.4.1',
          transport: { type: 'stdio' },
        },
      ],
    });
    const time = await getChecked(
      server,
      `/v0.1/servers/${encodeURIComponent(
        'io.github.acme/time',
      )}/versions/latest`,
    );
    expect(time.body.server).toMatchObject({
      name: 'io.github.acme/time',
      packages: [
        {
          registryType: 'pypi',
          runtimeHint: 'uvx',
          identifier: 'mcp-server-time',
          transport: { type: 'stdio' },
        },
      ],
    });
  });

  it('serves a remote server by its URL without the credentials it was registered with, and nobody’s name', async () => {
    const res = await getChecked(server, '/v0.1/servers?limit=100');
    const tickets = res.body.servers.find(
      (s: any) => s.server.name === 'io.acme/tickets',
    );
    expect(tickets.server.remotes).toEqual([
      { type: 'streamable-http', url: 'https://mcp.acme.example/mcp' },
    ]);
    const text = JSON.stringify(res.body);
    for (const secret of ['s3cret', 'bot:', 'user:default/', 'group:default/'])
      expect(text).not.toContain(secret);
    expect(tickets._meta['io.mcpeeker/registry']).toEqual({
      entryId: ids.remote,
      expiresAt: expect.any(String),
    });
  });

  it('sends the CORS headers GitHub Copilot asks for, and answers a preflight', async () => {
    const get = await request(server)
      .get(`${API}/v0.1/servers?limit=1`)
      .set('Origin', 'https://vscode.dev');
    expect(get.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type',
    });
    const preflight = await request(server)
      .options(`${API}/v0.1/servers`)
      .set('Origin', 'https://vscode.dev')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
  });

  it('refuses a cursor it did not give, a limit over 100 and a parameter it does not know, naming each', async () => {
    for (const [query, message] of [
      ['cursor=xyz', /cursor: not a cursor this API returned/],
      ['limit=101', /limit/],
      ['limit=0', /limit/],
      ['colour=blue', /colour/],
    ] as const) {
      const res = await request(server).get(`${API}/v0.1/servers?${query}`);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }
  });
});
