import {
  BackendFeature,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createStoreTestDatabases } from './storeTestDatabases';
import { startClickHouseServer } from './clickhouseServer';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ResponseError } from '@backstage/errors';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import { McpeekerPermissionPolicy } from '../permissions/permissionPolicy';
import { mcpeekerPlugin } from '../plugin';
import { endpointEvent, HOST } from './events';

/** Who is who in the access tests: the demo roles, a second developer, and someone in no MCPeeker group. */
export const MEMBERS: Record<string, string[]> = {
  'user:default/dana': ['group:default/mcp-developers', 'group:default/team-a'],
  'user:default/erin': ['group:default/mcp-developers', 'group:default/team-b'],
  'user:default/sam': ['group:default/security-analysts'],
  'user:default/pat': ['group:default/platform-admins'],
  'user:default/nobody': [],
};
const entities = [
  ...Object.keys(MEMBERS).map(ref => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: ref.split('/')[1], namespace: 'default' },
    spec: {},
    // As the catalog's processing would relate them (team members for server-on-team suppressions).
    relations: MEMBERS[ref].map(group => ({
      type: 'memberOf',
      targetRef: group,
    })),
  })),
  ...['team-a', 'team-b'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  })),
];

/** Who a person is and which groups they belong to, as the catalog above says. */
const userInfo = {
  getUserInfo: async (credentials: BackstageCredentials) => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(MEMBERS[ref] ?? [])],
    };
  },
};

/** The real MCPeeker policy behind the plugin's permission checks. */
const policy = new McpeekerPermissionPolicy(
  {
    developers: ['group:default/mcp-developers'],
    analysts: ['group:default/security-analysts'],
    admins: ['group:default/platform-admins'],
  },
  userInfo,
);
const decide = (permission: any, credentials: BackstageCredentials) =>
  policy.handle({ permission } as any, { credentials } as any);
/**
 * The permission backend's part, as it does it: the policy decides, and a
 * conditional decision about one resource (`authorize` with a
 * `resourceRef`) goes to the owning plugin's apply-conditions endpoint,
 * which loads the resource and applies the rules.
 */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: { discovery: coreServices.discovery },
  factory: ({ discovery }) => {
    async function applyConditions(
      decision: ConditionalPolicyDecision,
      resourceRef: string,
    ): Promise<AuthorizeResult.ALLOW | AuthorizeResult.DENY> {
      const baseUrl = await discovery.getBaseUrl(decision.pluginId);
      const response = await fetch(
        `${baseUrl}/.well-known/backstage/permissions/apply-conditions`,
        {
          method: 'POST',
          headers: {
            authorization: mockCredentials.service.header(),
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            items: [
              {
                id: '1',
                resourceRef,
                resourceType: decision.resourceType,
                conditions: decision.conditions,
              },
            ],
          }),
        },
      );
      if (!response.ok) throw await ResponseError.fromResponse(response);
      const { items } = await response.json();
      return items[0].result;
    }
    return {
      authorizeConditional: async (requests: any[], { credentials }: any) =>
        Promise.all(requests.map(r => decide(r.permission, credentials))),
      authorize: async (requests: any[], { credentials }: any) =>
        Promise.all(
          requests.map(async r => {
            const d: PolicyDecision = await decide(r.permission, credentials);
            if (d.result === AuthorizeResult.CONDITIONAL)
              return {
                result: r.resourceRef
                  ? await applyConditions(d, r.resourceRef)
                  : AuthorizeResult.DENY,
              };
            return { result: d.result };
          }),
        ),
    };
  },
});

/** Request headers of each kind of caller. */
export const as = (who: string) => {
  if (who === 'unauthenticated') return {};
  if (who === 'service')
    return { Authorization: mockCredentials.service.header() };
  if (who === 'catalog')
    return {
      Authorization: mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'mcpeeker',
      }),
    };
  return { Authorization: mockCredentials.user.header(`user:default/${who}`) };
};

export const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString();

/** A valid registration (dana's github server on port 3001 unless overridden). */
export const registration = (overrides: Record<string, unknown> = {}) => ({
  name: 'github-mcp',
  team: 'group:default/team-a',
  purpose: 'Reads issues of our repositories for triage',
  identity: { hostIdHash: HOST, port: 3001 },
  transport: 'http',
  expiresAt: inDays(90),
  ...overrides,
});

/**
 * Where the backend under test keeps its findings: a Backstage database
 * engine, or `CLICKHOUSE` — the plugin's ClickHouse findings store on a real
 * server (started once per test file, one database per backend), with SQLite
 * as its Backstage database.
 */
export type AccessTestEngine = TestDatabaseId | 'CLICKHOUSE';

/**
 * Call at the top level of a test file (it registers the database hooks);
 * `start` then gives the MCPeeker backend with the real policy behind its permission checks, a
 * catalog of the people above, and notifications captured; agents have
 * reported dana's server on port 3001 and erin's on port 4000.
 */
export function accessTestBackend<E extends AccessTestEngine = TestDatabaseId>(
  ids: E[] = ['SQLITE_3' as E],
): {
  ids: E[];
  start: (
    config?: JsonObject,
    id?: E,
    more?: MoreOfTheBackend,
  ) => ReturnType<typeof start>;
} {
  const databases =
    ids.length === 1 && ids[0] === 'SQLITE_3'
      ? TestDatabases.create({ ids: ['SQLITE_3'] })
      : createStoreTestDatabases();
  let clickhouse: ReturnType<typeof startClickHouseServer> | undefined;
  let next = 0;
  if (ids.includes('CLICKHOUSE' as E))
    afterAll(async () => {
      await (await clickhouse?.catch(() => undefined))?.stop();
    });
  return {
    ids,
    start: async (
      config: JsonObject = {},
      id: E = ids[0],
      more: MoreOfTheBackend = {},
    ) => {
      if (id !== 'CLICKHOUSE')
        return start(databases, config, id as TestDatabaseId, more);
      clickhouse ??= startClickHouseServer();
      const { url } = await clickhouse;
      const store = {
        kind: 'clickhouse',
        clickhouse: { url, database: `mcpeeker_access_${next++}` },
      };
      return start(databases, { ...config, store }, 'SQLITE_3', more);
    },
  };
}

/** Other plugins and services beside MCPeeker (the mcp-actions plugin), and config outside `mcpeeker`. */
export interface MoreOfTheBackend {
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  rootConfig?: JsonObject;
}

async function start(
  databases: TestDatabases,
  config: JsonObject,
  id: TestDatabaseId,
  more: MoreOfTheBackend,
): Promise<{
  server: any;
  knex: Knex;
  notices: Array<{ recipients: any; payload: any }>;
}> {
  const notices: Array<{ recipients: any; payload: any }> = [];
  const knex = await databases.init(id);
  const { server } = await startTestBackend({
    features: [
      mcpeekerPlugin,
      mockServices.database.factory({ knex }),
      // No credentials means none, as in the portal (not the mock default user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: { ...more.rootConfig, mcpeeker: config },
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => userInfo,
      }),
      ...(more.features ?? []),
      catalogServiceMock.factory({ entities }),
      permissionsFactory,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (n: any) => {
            notices.push(n);
          },
        }),
      }),
    ],
  });
  await request(server)
    .post('/api/mcpeeker/events')
    .set(as('service'))
    .send({
      events: [
        endpointEvent(),
        endpointEvent({ port: 4000, owner: 'user:default/erin' }),
      ],
    })
    .expect(202);
  return { server, knex, notices };
}
