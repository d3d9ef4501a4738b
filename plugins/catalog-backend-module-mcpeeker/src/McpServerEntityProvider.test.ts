import { mockServices } from '@backstage/backend-test-utils';
import { McpServerEntityProvider } from './McpServerEntityProvider';

const entity = (name: string, status: string) => ({
  apiVersion: 'mcpeeker.io/v1alpha1',
  kind: 'MCPServer',
  metadata: { name, annotations: {} },
  spec: {
    owner: 'group:default/team-a',
    transport: 'stdio',
    registry: { status },
  },
});

describe('McpServerEntityProvider', () => {
  it('applies a full reconcile on schedule and a delta when the backend announces a change', async () => {
    const requests: string[] = [];
    let removedEntry = false;
    const fetchFn = (async (url: string, init: any) => {
      requests.push(`${url} ${init.headers.authorization.slice(0, 7)}`);
      let body: unknown = {
        entities: [
          entity('github-1', 'pending'),
          entity('linear-2', 'pending'),
        ],
      };
      if (url.includes('?entry=gone'))
        body = { entities: [], removed: ['mcpserver:default/gone-1'] };
      else if (url.includes('?entry='))
        body = { entities: [entity('github-1', 'approved')], removed: [] };
      if (url.includes('?entry=gone')) removedEntry = true;
      return new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof fetch;
    let scheduled: (() => Promise<void>) | undefined;
    let onEvent: ((e: any) => Promise<void>) | undefined;
    const provider = new McpServerEntityProvider({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => 'http://backend/api/mcpeeker',
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      schedule: { run: async task => void (scheduled = task.fn as any) },
      events: {
        publish: async () => {},
        subscribe: async options => void (onEvent = options.onEvent),
      },
      fetch: fetchFn,
    });
    const mutations: any[] = [];
    await provider.connect({
      applyMutation: async m => void mutations.push(m),
      refresh: async () => {},
    });

    await scheduled!();
    expect(mutations[0].type).toBe('full');
    expect(
      mutations[0].entities.map((d: any) => d.entity.metadata.name),
    ).toEqual(['github-1', 'linear-2']);
    expect(mutations[0].entities[0]).toMatchObject({
      locationKey: 'mcpeeker:provider',
      entity: {
        metadata: {
          annotations: {
            'backstage.io/managed-by-location': 'mcpeeker:provider',
          },
        },
      },
    });

    await onEvent!({
      topic: 'mcpeeker.registry',
      eventPayload: { entryId: 'e1', action: 'approve' },
    });
    expect(mutations[1]).toMatchObject({
      type: 'delta',
      added: [{ entity: { spec: { registry: { status: 'approved' } } } }],
      removed: [],
    });
    await onEvent!({
      topic: 'mcpeeker.registry',
      eventPayload: { entryId: 'gone', action: 'delete' },
    });
    expect(removedEntry).toBe(true);
    expect(mutations[2]).toMatchObject({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'mcpserver:default/gone-1',
          locationKey: 'mcpeeker:provider',
        },
      ],
    });
    expect(requests).toEqual([
      'http://backend/api/mcpeeker/catalog/entities Bearer ',
      'http://backend/api/mcpeeker/catalog/entities?entry=e1 Bearer ',
      'http://backend/api/mcpeeker/catalog/entities?entry=gone Bearer ',
    ]);
  });
});
