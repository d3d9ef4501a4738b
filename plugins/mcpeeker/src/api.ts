import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { HealthReport } from '@mcpeeker/plugin-mcpeeker-common';

/** What the MCPeeker pages ask the backend. @public */
export interface McpeekerApi {
  getHealth(): Promise<HealthReport>;
}

/** @public */
export const mcpeekerApiRef = createApiRef<McpeekerApi>({
  id: 'plugin.mcpeeker.client',
});

/** Talks to the MCPeeker backend plugin at `/api/mcpeeker`. @public */
export class McpeekerClient implements McpeekerApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getHealth(): Promise<HealthReport> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('mcpeeker');
    const response = await this.options.fetchApi.fetch(`${baseUrl}/health`);
    // 503 still carries a report: the database is down and it says so.
    if (!response.ok && response.status !== 503) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as HealthReport;
  }
}
