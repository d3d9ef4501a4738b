import { mcpServerEntityVisibleRule } from './mcpServerEntityVisibleRule';

const entity = (annotations?: Record<string, string>) => ({
  apiVersion: 'mcpeeker.io/v1alpha1',
  kind: 'MCPServer',
  metadata: { name: 'mcp-0123abcd', annotations },
  spec: {},
});

describe('IS_MCP_SERVER_ENTITY_VISIBLE', () => {
  const dana = { claims: ['user:default/dana', 'group:default/team-a'] };

  it('lets anyone read entities MCPeeker did not restrict, and only the named one read the others', () => {
    const apply = (e: ReturnType<typeof entity>) =>
      mcpServerEntityVisibleRule.apply(e, dana);
    expect(apply(entity())).toBe(true);
    expect(apply(entity({ 'mcpeeker.io/server-name': 'github' }))).toBe(true);
    expect(
      apply(entity({ 'mcpeeker.io/restricted-to': 'user:default/dana' })),
    ).toBe(true);
    // Entity refs are case-insensitive in the catalog.
    expect(
      apply(entity({ 'mcpeeker.io/restricted-to': 'User:default/Dana' })),
    ).toBe(true);
    expect(
      apply(entity({ 'mcpeeker.io/restricted-to': 'user:default/erin' })),
    ).toBe(false);
  });

  it('becomes a catalog query on the annotation, so lists leave restricted entities out in SQL', () => {
    expect(mcpServerEntityVisibleRule.toQuery(dana)).toEqual({
      anyOf: [
        { not: { key: 'metadata.annotations.mcpeeker.io/restricted-to' } },
        {
          key: 'metadata.annotations.mcpeeker.io/restricted-to',
          values: ['user:default/dana', 'group:default/team-a'],
        },
      ],
    });
  });
});
