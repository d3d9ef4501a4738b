import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { McpServerEntityProcessor } from './McpServerEntityProcessor';

const declared = (spec: JsonObject): Entity => ({
  apiVersion: 'mcpeeker.io/v1alpha1',
  kind: 'MCPServer',
  metadata: { name: 'weather', namespace: 'default' },
  spec,
});

describe('McpServerEntityProcessor', () => {
  const processor = new McpServerEntityProcessor();
  const location = {
    type: 'url',
    target: 'https://git.example/catalog-info.yaml',
  };

  it('accepts a team’s declared MCP server and relates it to its owner and system', async () => {
    const entity = declared({
      owner: 'team-a',
      system: 'forecasting',
      transport: 'http',
      remoteUrl: 'https://weather.example/mcp',
      serverName: 'weather',
    });
    expect(await processor.validateEntityKind(entity)).toBe(true);
    const emitted: any[] = [];
    await processor.postProcessEntity(entity, location, r => emitted.push(r));
    const relations = emitted.map(r => [
      `${r.relation.source.kind}:${r.relation.source.name}`,
      r.relation.type,
      `${r.relation.target.kind}:${r.relation.target.name}`,
    ]);
    expect(relations).toEqual([
      ['MCPServer:weather', 'ownedBy', 'Group:team-a'],
      ['Group:team-a', 'ownerOf', 'MCPServer:weather'],
      ['MCPServer:weather', 'partOf', 'System:forecasting'],
      ['System:forecasting', 'hasPart', 'MCPServer:weather'],
    ]);
  });

  it('rejects a bad spec naming each field, and leaves other kinds alone', async () => {
    await expect(
      processor.validateEntityKind(
        declared({ transport: 'pigeon', remoteUrl: 'ftp://x' }),
      ),
    ).rejects.toThrow(
      /Invalid MCPServer default\/weather: spec\.owner: .*; spec\.transport: .*"stdio"\|"http"\|"sse"; spec\.remoteUrl: Invalid URL/,
    );
    await expect(
      processor.validateEntityKind(
        declared({ owner: 'team-a', system: 's', component: 'c' }),
      ),
    ).rejects.toThrow(/spec\.component: give system or component, not both/);
    expect(
      await processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: {},
      }),
    ).toBe(false);
  });
});
