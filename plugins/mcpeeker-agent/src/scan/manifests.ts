import { readConfigFile } from './readConfigFile';
import path from 'node:path';

/** An MCP server being built on this machine, found by its manifest. */
export interface ManifestFinding {
  serverName: string;
  manifestPath: string;
  manifestKind: 'server.json' | 'mcpb' | 'package.json' | 'pyproject';
  packageId?: string;
  version?: string;
}

export const MANIFEST_FILE_NAMES = [
  'server.json',
  'manifest.json',
  'package.json',
  'pyproject.toml',
];

const MCP_NPM_SDKS = [
  '@modelcontextprotocol/sdk',
  'fastmcp',
  'mcp-framework',
  '@mastra/mcp',
];
const MCP_PYTHON_SDKS = ['mcp', 'fastmcp'];

type Obj = Record<string, any>;
const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function pythonDependsOnMcp(dependencies: unknown): boolean {
  const names: string[] = [];
  if (Array.isArray(dependencies)) {
    for (const d of dependencies) {
      if (typeof d === 'string')
        names.push(d.split(/[\s<>=!~;[(]/)[0].toLowerCase());
    }
  } else if (isObject(dependencies)) {
    names.push(...Object.keys(dependencies).map(n => n.toLowerCase()));
  }
  return names.some(n => MCP_PYTHON_SDKS.includes(n));
}

/**
 * Tells whether a file is the manifest of an MCP server: an MCP registry
 * `server.json`, an MCPB (formerly DXT) `manifest.json`, a `package.json`
 * that depends on an MCP server SDK, a `pyproject.toml` that depends on `mcp`
 * or `fastmcp`. Returns nothing for ordinary files of those names.
 */
export async function findManifest(
  file: string,
  name: string,
): Promise<ManifestFinding | undefined> {
  const manifestPath = path.resolve(file);
  const result = await readConfigFile(
    manifestPath,
    name === 'pyproject.toml' ? 'toml' : 'json',
  );
  // package.json, manifest.json and friends are ordinary project files: one
  // that doesn't parse is the project's business, not an MCP finding.
  if (!result.ok) return undefined;
  const doc = result.doc;
  if (!isObject(doc)) return undefined;

  if (name === 'server.json') {
    const schema = typeof doc.$schema === 'string' ? doc.$schema : '';
    const looksLikeRegistry =
      schema.includes('modelcontextprotocol') ||
      (typeof doc.name === 'string' &&
        (Array.isArray(doc.packages) || Array.isArray(doc.remotes)));
    if (!looksLikeRegistry || typeof doc.name !== 'string') return undefined;
    const pkg = Array.isArray(doc.packages)
      ? doc.packages.find(isObject)
      : undefined;
    const registry =
      pkg?.registryType ?? pkg?.registry_type ?? pkg?.registry_name;
    return {
      serverName: doc.name,
      manifestPath,
      manifestKind: 'server.json',
      ...(pkg?.identifier
        ? { packageId: `${registry ?? 'package'}:${pkg.identifier}` }
        : {}),
      ...(typeof doc.version === 'string' ? { version: doc.version } : {}),
    };
  }

  if (name === 'manifest.json') {
    const isBundle =
      (doc.manifest_version !== undefined || doc.dxt_version !== undefined) &&
      isObject(doc.server);
    if (!isBundle || typeof doc.name !== 'string') return undefined;
    return {
      serverName: doc.name,
      manifestPath,
      manifestKind: 'mcpb',
      ...(typeof doc.version === 'string' ? { version: doc.version } : {}),
    };
  }

  if (name === 'package.json') {
    const deps = {
      ...doc.dependencies,
      ...doc.devDependencies,
      ...doc.peerDependencies,
    };
    if (!MCP_NPM_SDKS.some(sdk => sdk in deps) || typeof doc.name !== 'string')
      return undefined;
    // The SDKs' own manifests are libraries, not servers.
    if (MCP_NPM_SDKS.includes(doc.name)) return undefined;
    return {
      serverName: doc.name,
      manifestPath,
      manifestKind: 'package.json',
      packageId: `npm:${doc.name}`,
      ...(typeof doc.version === 'string' ? { version: doc.version } : {}),
    };
  }

  if (name === 'pyproject.toml') {
    const project = isObject(doc.project) ? doc.project : {};
    const poetry =
      isObject(doc.tool) && isObject(doc.tool.poetry) ? doc.tool.poetry : {};
    const depends =
      pythonDependsOnMcp(project.dependencies) ||
      pythonDependsOnMcp(poetry.dependencies) ||
      (isObject(project['optional-dependencies']) &&
        Object.values(project['optional-dependencies']).some(
          pythonDependsOnMcp,
        ));
    const serverName = project.name ?? poetry.name;
    if (
      !depends ||
      typeof serverName !== 'string' ||
      MCP_PYTHON_SDKS.includes(serverName.toLowerCase())
    ) {
      return undefined;
    }
    const version = project.version ?? poetry.version;
    return {
      serverName,
      manifestPath,
      manifestKind: 'pyproject',
      packageId: `pypi:${serverName}`,
      ...(typeof version === 'string' ? { version } : {}),
    };
  }
  return undefined;
}
