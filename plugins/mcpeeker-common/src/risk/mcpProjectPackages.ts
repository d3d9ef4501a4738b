/**
 * The packages the MCP project itself publishes: its reference servers
 * (github.com/modelcontextprotocol/servers, and those since moved to
 * servers-archived) and its SDKs. The official registry does not list the
 * reference servers (they have no server.json, and its seed of 2025-05-16
 * the agent ships holds none), yet their publisher is known: the agent's
 * unknown-publisher check takes them as known, and the backend's signature
 * rule MCP-EP-001 ("Reference MCP server package") names the same ones, so a
 * finding never says both "reference server" and "unknown publisher".
 *
 * On npm the MCP project owns the `@modelcontextprotocol` scope: every
 * package in it is theirs, and a look-alike scope
 * (`@modelcontextprotocol-fake/…`) is not. PyPI has no scopes: the names are
 * listed, as modelcontextprotocol/servers publishes them.
 *
 * @public
 */
export const MCP_PROJECT_PACKAGES = {
  /** The npm scope the MCP project owns. */
  npmScope: '@modelcontextprotocol',
  /** The reference servers' PyPI names (fetch, git, time; sentry and sqlite, archived). */
  pypi: [
    'mcp-server-fetch',
    'mcp-server-git',
    'mcp-server-sentry',
    'mcp-server-sqlite',
    'mcp-server-time',
  ],
} as const;

/** PyPI names compare case-insensitively, `_` and `.` as `-` (PEP 503). */
const pypiName = (name: string) => name.toLowerCase().replace(/[._]+/g, '-');

/**
 * Whether the MCP project publishes this package: any package of its npm
 * scope, or one of its reference servers' PyPI names.
 *
 * @public
 */
export function isMcpProjectPackage(ref: {
  ecosystem: string;
  name: string;
}): boolean {
  if (ref.ecosystem === 'npm')
    return ref.name
      .toLowerCase()
      .startsWith(`${MCP_PROJECT_PACKAGES.npmScope}/`);
  if (ref.ecosystem === 'pypi')
    return (MCP_PROJECT_PACKAGES.pypi as readonly string[]).includes(
      pypiName(ref.name),
    );
  return false;
}

/**
 * Whether a package is one of the MCP project's reference servers: an npm
 * `@modelcontextprotocol/server-*`, or a PyPI name listed above. (Its SDKs,
 * `@modelcontextprotocol/sdk`, are known publishers' packages, not servers.)
 *
 * @public
 */
export function isMcpReferenceServer(ref: {
  ecosystem: string;
  name: string;
}): boolean {
  return (
    isMcpProjectPackage(ref) &&
    (ref.ecosystem === 'pypi' ||
      ref.name
        .toLowerCase()
        .startsWith(`${MCP_PROJECT_PACKAGES.npmScope}/server-`))
  );
}
