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

// Credentials a publisher wrote into its server.json, one in each place a
// client could be handed one. Made up, in the shapes of real ones.
const PLANTED = {
  urlQuery: 'Qm7xT2vL9pR4sW8nK3jH6dF1aZ5cB0yE',
  header:
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lLWJvdCJ9.c2lnbmF0dXJlLW9mLXRoZS1ib3Q',
  env: 'sk-ant-api03-Xq8Lm2Vn7Rt4Yw9Pz3Kc6Hb1Jd5Fg0Ns-AbCdEfGh',
  envDefault: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  namedArgument: 'r4nd0m-Pa55w0rd-for-the-bot',
  positionalArgument: 'ghp_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2',
  transportQuery: 'AKIAIOSFODNN7EXAMPLE',
  transportHeader: 'Pq3Rs7Tu1Vw5Xy9Za2Bc6De0Fg4Hi8Jk',
};
const VAULT = {
  name: 'io.github.acme/vault',
  description: 'Secrets of the platform team',
  version: '1.0.0',
  remotes: [
    {
      type: 'streamable-http',
      url: `https://vault.acme.example/mcp?region=eu&api_key=${PLANTED.urlQuery}`,
      headers: [
        { name: 'Authorization', value: `Bearer ${PLANTED.header}` },
        // The specification's way: a value the user is asked for. It stays.
        {
          name: 'X-Team-Token',
          value: 'Bearer {team_token}',
          variables: { team_token: { isRequired: true, isSecret: true } },
        },
      ],
    },
  ],
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/vault-mcp',
      version: '1.0.0',
      transport: {
        type: 'streamable-http',
        url: `http://localhost:8080/mcp?token=${PLANTED.transportQuery}`,
        headers: [{ name: 'X-Api-Key', value: PLANTED.transportHeader }],
      },
      environmentVariables: [
        { name: 'VAULT_API_KEY', value: PLANTED.env, isSecret: false },
        { name: 'VAULT_SESSION', default: PLANTED.envDefault },
        { name: 'VAULT_ADDR_FILE', isRequired: true },
      ],
      packageArguments: [
        { type: 'named', name: '--password', value: PLANTED.namedArgument },
        { type: 'positional', value: PLANTED.positionalArgument },
        { type: 'named', name: '--port', value: '8080' },
      ],
    },
  ],
};

// The longest name a registry entry takes (128 characters).
const LONG_NAME = `io.github.acme/${'x'.repeat(113)}`;

const access = accessTestBackend();
let server: any;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ server } = await access.start({
    registryApi: { allowUnauthenticated: true },
    // Every route and parameter, in quick succession from one address: the
    // rate limits have tests of their own (rateLimits.test.ts).
    rateLimits: { registryApi: { perAddress: false, perCredential: false } },
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
        commandSignature: 'npx -y @acme/files-mcp@0.4.1 /srv/design',
        // What its finding ran after the package, as the portal's form carries it.
        packageArguments: ['/srv/design'],
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
        // Keys on its command line, which the agent had not recognised.
        packageArguments: [
          '--local-timezone',
          'Europe/Paris',
          '--api-key',
          PLANTED.namedArgument,
          PLANTED.positionalArgument,
        ],
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
  await register('vault', { serverJson: VAULT }, 'approve');
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
  'io.github.acme/vault@1.0.0',
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
      'io.github.acme/vault@1.0.0',
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
          // npx's -y, then the arguments its finding ran it with: the exact
          // command `mcpeeker-agent policy` allowlists.
          runtimeArguments: [{ type: 'positional', value: '-y' }],
          packageArguments: [{ type: 'positional', value: '/srv/design' }],
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
          // The key is never served: the user gives it.
          packageArguments: [
            { type: 'positional', value: '--local-timezone' },
            { type: 'positional', value: 'Europe/Paris' },
            { type: 'positional', value: '--api-key' },
            {
              type: 'positional',
              valueHint: 'secret',
              isRequired: true,
              isSecret: true,
            },
            {
              type: 'positional',
              valueHint: 'secret',
              isRequired: true,
              isSecret: true,
            },
          ],
        },
      ],
    });
    expect(time.body.server.packages[0].runtimeArguments).toBeUndefined();
    for (const secret of [PLANTED.namedArgument, PLANTED.positionalArgument])
      expect(JSON.stringify(time.body)).not.toContain(secret);
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

  it('serves no secret an imported server.json carried: values go as the user’s to give, secret URL query values as variables', async () => {
    const name = encodeURIComponent(VAULT.name);
    for (const route of [
      '/v0.1/servers?limit=100',
      `/v0.1/servers/${name}/versions`,
      `/v0.1/servers/${name}/versions/latest`,
      `/v0.1/servers/${name}/versions/1.0.0`,
    ]) {
      const res = await getChecked(server, route);
      const text = JSON.stringify(res.body);
      for (const [where, secret] of Object.entries(PLANTED))
        expect([where, text.includes(secret)]).toEqual([where, false]);
    }
    const served = (
      await getChecked(server, `/v0.1/servers/${name}/versions/latest`)
    ).body.server;
    expect(served.remotes).toEqual([
      {
        type: 'streamable-http',
        url: 'https://vault.acme.example/mcp?region=eu&api_key={api_key}',
        variables: {
          api_key: {
            description: expect.stringContaining('api_key'),
            isRequired: true,
            isSecret: true,
          },
        },
        headers: [
          { name: 'Authorization', isRequired: true, isSecret: true },
          VAULT.remotes[0].headers[1],
        ],
      },
    ]);
    const [pkg] = served.packages;
    expect(pkg.transport).toEqual({
      type: 'streamable-http',
      url: 'http://localhost:8080/mcp?token={token}',
      headers: [{ name: 'X-Api-Key', isRequired: true, isSecret: true }],
    });
    expect(pkg.environmentVariables).toEqual([
      { name: 'VAULT_API_KEY', isSecret: true, isRequired: true },
      { name: 'VAULT_SESSION', isSecret: true },
      { name: 'VAULT_ADDR_FILE', isRequired: true },
    ]);
    expect(pkg.packageArguments).toEqual([
      { type: 'named', name: '--password', isSecret: true, isRequired: true },
      {
        type: 'positional',
        valueHint: 'secret',
        isSecret: true,
        isRequired: true,
      },
      { type: 'named', name: '--port', value: '8080' },
    ]);
    // What is not secret is served as imported.
    expect({ ...served, remotes: undefined, packages: undefined }).toEqual({
      ...VAULT,
      remotes: undefined,
      packages: undefined,
    });
  });

  it('takes every query parameter the OpenAPI document lists, on every route', async () => {
    const first = await getChecked(server, '/v0.1/servers?limit=1');
    const valueOf = (parameter: any): string => {
      if (parameter.name === 'cursor') return first.body.metadata.nextCursor;
      if (parameter.name === 'version') return 'latest';
      if (parameter.name === 'search') return 'weather';
      if (parameter.schema?.type === 'boolean') return 'false';
      if (parameter.schema?.type === 'integer') return '2';
      if (parameter.schema?.format === 'date-time')
        return '2020-01-01T00:00:00.000Z';
      return 'x';
    };
    const name = encodeURIComponent('io.github.acme/weather');
    const checked: string[] = [];
    for (const [template, item] of Object.entries<any>(openapi.paths)) {
      const parameters = (item.get?.parameters ?? []).filter(
        (p: any) => p.in === 'query',
      );
      if (parameters.length === 0) continue;
      const requestPath = template
        .replace('{serverName}', name)
        .replace('{version}', '1.3.0');
      for (const parameter of parameters) {
        const query = `${parameter.name}=${encodeURIComponent(
          valueOf(parameter),
        )}`;
        const res = await getChecked(server, `${requestPath}?${query}`);
        expect([query, res.status]).toEqual([query, 200]);
        checked.push(`${template} ${parameter.name}`);
      }
      // All of them at once, as a client may send them.
      const all = parameters
        .map((p: any) => `${p.name}=${encodeURIComponent(valueOf(p))}`)
        .join('&');
      expect((await getChecked(server, `${requestPath}?${all}`)).status).toBe(
        200,
      );
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        '/v0.1/servers cursor',
        '/v0.1/servers limit',
        '/v0.1/servers search',
        '/v0.1/servers updated_since',
        '/v0.1/servers version',
        '/v0.1/servers include_deleted',
        '/v0.1/servers/{serverName}/versions include_deleted',
        '/v0.1/servers/{serverName}/versions/{version} include_deleted',
      ]),
    );
    // Anything else is a 400 naming it, on every route.
    for (const route of [
      '/v0.1/servers',
      `/v0.1/servers/${name}/versions`,
      `/v0.1/servers/${name}/versions/latest`,
    ]) {
      const res = await request(server).get(`${API}${route}?colour=blue`);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringContaining('unknown parameter colour'),
      ]);
    }
  });

  it('with updated_since serves exactly the entries changed since then', async () => {
    const everything = (await getChecked(server, '/v0.1/servers?limit=100'))
      .body.servers;
    const updatedAt = (s: any) =>
      s._meta['io.modelcontextprotocol.registry/official'].updatedAt;
    const since = async (time: string) =>
      (
        await getChecked(
          server,
          `/v0.1/servers?limit=100&updated_since=${encodeURIComponent(time)}`,
        )
      ).body.servers.map(nameAt);
    expect(await since('2000-01-01T00:00:00Z')).toEqual(APPROVED);
    expect(await since('2999-01-01T00:00:00Z')).toEqual([]);

    // An owner's edit is a change: the entry is served as changed since then.
    const changed = await request(server)
      .patch(`${API}/registry/${ids.time}`)
      .set(as('dana'))
      .send({ purpose: 'Tells the time in every office, Lisbon included' })
      .expect(200);
    const after = changed.body.updatedAt;
    const expected = (
      await getChecked(server, '/v0.1/servers?limit=100')
    ).body.servers
      .filter((s: any) => updatedAt(s) >= after)
      .map(nameAt);
    expect(expected).toContain('io.github.acme/time@0.0.0');
    // Everything else was approved before the edit.
    expect(everything.some((s: any) => updatedAt(s) < after)).toBe(true);
    expect(await since(after)).toEqual(expected);
    expect(expected.length).toBeLessThan(APPROVED.length);

    // The same instant with an offset, its `+` sent unencoded (a space once
    // decoded) as a hand-written URL has it, and in lower case.
    const offset = new Date(after).toISOString().replace('Z', '+00:00');
    const unencoded = await getChecked(
      server,
      `/v0.1/servers?limit=100&updated_since=${offset}`,
    );
    expect(unencoded.body.servers.map(nameAt)).toEqual(expected);
    expect(await since(after.toLowerCase())).toEqual(expected);
    const bad = await request(server).get(
      `${API}/v0.1/servers?updated_since=yesterday`,
    );
    expect([bad.status, bad.body.error?.message]).toEqual([
      400,
      expect.stringContaining('updated_since'),
    ]);
  });
});
