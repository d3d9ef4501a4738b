import {
  isMcpProjectPackage,
  isMcpReferenceServer,
  MCP_PROJECT_PACKAGES,
} from './mcpProjectPackages';

describe('the MCP project’s own packages', () => {
  it('knows every package of its npm scope and its reference servers’ PyPI names', () => {
    for (const name of [
      '@modelcontextprotocol/server-filesystem',
      '@modelcontextprotocol/server-everything',
      '@ModelContextProtocol/Server-Memory',
      '@modelcontextprotocol/sdk',
    ])
      expect([name, isMcpProjectPackage({ ecosystem: 'npm', name })]).toEqual([
        name,
        true,
      ]);
    for (const name of [
      'mcp-server-fetch',
      'mcp-server-git',
      'mcp-server-time',
      'MCP_Server.Sqlite',
    ])
      expect([name, isMcpProjectPackage({ ecosystem: 'pypi', name })]).toEqual([
        name,
        true,
      ]);
  });

  it('does not know a look-alike scope, a namesake in another ecosystem, or any other mcp-server-*', () => {
    for (const ref of [
      {
        ecosystem: 'npm',
        name: '@modelcontextprotocol-fake/server-filesystem',
      },
      { ecosystem: 'npm', name: 'modelcontextprotocol/server-filesystem' },
      { ecosystem: 'npm', name: '@evil/modelcontextprotocol' },
      { ecosystem: 'npm', name: 'mcp-server-fetch' },
      { ecosystem: 'pypi', name: 'mcp-server-fetch-pro' },
      { ecosystem: 'pypi', name: 'mcp-server-box' },
      { ecosystem: 'oci', name: 'modelcontextprotocol/server-filesystem' },
    ])
      expect([ref, isMcpProjectPackage(ref)]).toEqual([ref, false]);
  });

  it('calls its servers reference servers, not its SDK', () => {
    expect(
      isMcpReferenceServer({
        ecosystem: 'npm',
        name: '@modelcontextprotocol/server-filesystem',
      }),
    ).toBe(true);
    expect(
      isMcpReferenceServer({
        ecosystem: 'npm',
        name: '@modelcontextprotocol/sdk',
      }),
    ).toBe(false);
    expect(
      MCP_PROJECT_PACKAGES.pypi.every(name =>
        isMcpReferenceServer({ ecosystem: 'pypi', name }),
      ),
    ).toBe(true);
  });
});
