import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  McpServerEntity,
  REGISTRY_EVENTS_TOPIC,
} from '@mcpeeker/plugin-mcpeeker-common';

const LOCATION_KEY = 'mcpeeker:provider';

/**
 * One MCPServer entity per registry entry and per server name detection saw,
 * from the MCPeeker backend: a full reconcile on a schedule, and a delta for
 * an entry as soon as the backend announces its change on the events bus.
 */
export class McpServerEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      schedule: SchedulerServiceTaskRunner;
      events?: EventsService;
      fetch?: typeof fetch;
    },
  ) {}

  getProviderName(): string {
    return 'McpServerEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.schedule.run({
      id: 'mcpeeker-catalog-full-reconcile',
      fn: async () => {
        await this.reconcile();
      },
    });
    await this.options.events?.subscribe({
      id: 'mcpeeker-catalog-provider',
      topics: [REGISTRY_EVENTS_TOPIC],
      onEvent: async params => {
        const { entryId } = params.eventPayload as { entryId?: string };
        if (typeof entryId === 'string') await this.update(entryId);
      },
    });
  }

  private async fetchEntities(query = ''): Promise<{
    entities: McpServerEntity[];
    removed?: string[];
  }> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('mcpeeker');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'mcpeeker',
    });
    const response = await (this.options.fetch ?? fetch)(
      `${baseUrl}/catalog/entities${query}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  private deferred(entities: McpServerEntity[]): DeferredEntity[] {
    return entities.map(entity => ({
      entity: {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/managed-by-location': `${LOCATION_KEY}`,
            'backstage.io/managed-by-origin-location': `${LOCATION_KEY}`,
          },
        },
      } as DeferredEntity['entity'],
      locationKey: LOCATION_KEY,
    }));
  }

  /** Replaces every MCPServer entity this provider owns with the backend's current set. */
  async reconcile(): Promise<number> {
    if (!this.connection) throw new Error('not connected');
    const { entities } = await this.fetchEntities();
    await this.connection.applyMutation({
      type: 'full',
      entities: this.deferred(entities),
    });
    this.options.logger.info(
      `MCPeeker provided ${entities.length} MCPServer entities`,
    );
    return entities.length;
  }

  /** One registry entry's entity, added, updated or removed. */
  async update(entryId: string): Promise<void> {
    if (!this.connection) return;
    try {
      const { entities, removed = [] } = await this.fetchEntities(
        `?entry=${encodeURIComponent(entryId)}`,
      );
      await this.connection.applyMutation({
        type: 'delta',
        added: this.deferred(entities),
        removed: removed.map(entityRef => ({
          entityRef,
          locationKey: LOCATION_KEY,
        })),
      });
    } catch (error) {
      // The next full reconcile catches up.
      this.options.logger.warn(
        `MCPeeker catalog delta for entry ${entryId} failed: ${
          (error as Error).message
        }`,
      );
    }
  }
}
