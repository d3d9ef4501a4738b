import fs from 'node:fs/promises';
import path from 'node:path';
import {
  canonicalJson,
  commandSignature,
  compositeId,
  normalizeServerUrl,
  redactSecrets,
  RiskFact,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ClientDefinition, ClientLocation, Scope } from './clientTable';
import { CLIENTS } from './clientTable';
import { SettingsFiles } from '../risk/approvalRisks';
import { ConfigPositions } from '../risk/configPositions';
import { configEntryRisks } from '../risk/configRisks';
import { loadRegistrySnapshot, RegistryIndex } from '../risk/mcpRegistry';
import {
  DeclaredServer,
  ExtractContext,
  extractServers,
  isProblem,
} from './extractServers';
import {
  DockerCatalog,
  DOCKER_CATALOG_FILE,
  gatewayServes,
} from './dialects/dockerToolkit';
import {
  FORMAT_EXTENSIONS,
  isGlob,
  planHostLocations,
  PlannedLocation,
  projectLocations,
  resolveBases,
  ScanTarget,
  segmentMatches,
  segmentPattern,
} from './locations';
import { readConfigFile } from './readConfigFile';
import {
  findManifest,
  ManifestFinding,
  MANIFEST_FILE_NAMES,
} from './manifests';

/** A config entry, as the agent reports it: secrets redacted, env and header values gone. */
export interface ConfigDetection {
  source: 'config';
  client: string;
  serverName: string;
  configPath: string;
  scope: Scope;
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args?: string[];
  url?: string;
  envNames?: string[];
  headerNames?: string[];
  disabled?: boolean;
  projectPath?: string;
  /** What the entry lets the server do or how it is set up, each with its fix; absent when nothing was found. */
  risks?: RiskFact[];
  /**
   * Docker MCP Toolkit servers: the client entries that start the toolkit's
   * gateway (`docker mcp gateway run`, the `MCP_DOCKER` entry) and so reach
   * this server through it. Not part of the event: sent as evidence.
   */
  via?: Array<{ client: string; serverName: string; configPath: string }>;
  compositeId: string;
}

export interface ManifestDetection extends ManifestFinding {
  source: 'manifest';
  compositeId: string;
}

export type Detection = ConfigDetection | ManifestDetection;

export interface ScanError {
  path: string;
  message: string;
}

export interface ScanOptions extends ScanTarget {
  /** Folders to walk for project configs and MCP servers being built. */
  roots: string[];
  hostIdHash: string;
  salt: string;
  /** Called now and then with how far the walk got, for progress on stderr. */
  onProgress?: (progress: { directories: number; files: number }) => void;
  /**
   * Check only these (`scan --config`): a file is read as the client config
   * its path names (`.mcp.json`, `.vscode/mcp.json`, `.cursor/mcp.json`, …),
   * a folder is walked for project configs. Nothing of the home or the
   * machine is read.
   */
  only?: string[];
  /** Which packages and hosts the MCP registry knows (unknown-publisher); the shipped snapshot by default. */
  registry?: RegistryIndex;
}

export interface ScanResult {
  detections: Detection[];
  errors: ScanError[];
  stats: { filesRead: number; directoriesWalked: number };
}

/** Folders that never hold an active config: dependencies, VCS, virtualenvs, build output. */
export const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  'env',
  '.env',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  'dist',
  'build',
  'out',
  'target',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  '.gradle',
  '.idea',
  'coverage',
  'bower_components',
  '.terraform',
  'vendor',
  'Pods',
  'DerivedData',
  '.yarn',
  '.pnpm-store',
  '.npm',
  'Library',
  'AppData',
  '.Trash',
]);
const MAX_WALK_DEPTH = 12;

function toDetection(
  server: DeclaredServer,
  meta: { client: ClientDefinition; scope: Scope; configPath: string },
  options: ScanOptions,
  risks: RiskFact[],
): ConfigDetection {
  // Names (the entry's, its project's, its env's and headers') are the
  // file's words too: a token pasted as a key is still a token.
  const redacted = redactSecrets(
    {
      command: server.command,
      args: server.args,
      url: server.url,
      serverName: server.serverName,
      projectPath: server.projectPath,
      envNames: server.env ? Object.keys(server.env) : undefined,
      headerNames: server.headers ? Object.keys(server.headers) : undefined,
    },
    { salt: options.salt },
  ).value;
  const processSignature =
    server.command !== undefined
      ? commandSignature(redacted.command ?? '', redacted.args ?? [])
      : safeNormalizeUrl(redacted.url ?? '');
  const { envNames, headerNames } = redacted;
  return {
    source: 'config',
    client: meta.client.id,
    serverName: redacted.serverName,
    configPath: meta.configPath,
    scope: meta.scope,
    transport: server.transport,
    ...(server.command !== undefined
      ? { command: redacted.command, args: redacted.args ?? [] }
      : { url: redacted.url }),
    ...(envNames?.length ? { envNames } : {}),
    ...(headerNames?.length ? { headerNames } : {}),
    ...(server.disabled ? { disabled: true } : {}),
    ...(redacted.projectPath ? { projectPath: redacted.projectPath } : {}),
    ...(risks.length > 0 ? { risks } : {}),
    compositeId: compositeId({
      hostIdHash: options.hostIdHash,
      processSignature,
    }),
  };
}

function safeNormalizeUrl(url: string): string {
  try {
    return normalizeServerUrl(url);
  } catch {
    return url;
  }
}

const GENERIC_CLIENT = CLIENTS.find(c => c.id === 'generic')!;

/**
 * The client and location a config file's path names, by its last path
 * segments (`.cursor/mcp.json` is Cursor's, `.mcp.json` Claude Code's); the
 * longest match wins. Any other file is read as a generic MCP file in the
 * format its extension says.
 */
export function locationOfFile(file: string): {
  client: ClientDefinition;
  location: ClientLocation;
} {
  const segments = path.resolve(file).split(/[\\/]/);
  let best: { client: ClientDefinition; location: ClientLocation } | undefined;
  for (const client of CLIENTS) {
    for (const location of client.locations) {
      const tail = segments.slice(-location.path.length);
      const matches =
        !location.sharedWith &&
        !location.folderFrom &&
        tail.length === location.path.length &&
        location.path.every((part, i) =>
          segmentMatches(
            part,
            tail[i],
            i === location.path.length - 1 ? location : undefined,
          ),
        );
      if (
        matches &&
        (!best ||
          location.path.length > best.location.path.length ||
          (location.path.length === best.location.path.length &&
            location.scope === 'project' &&
            best.location.scope !== 'project'))
      )
        best = { client, location };
    }
  }
  if (best) return best;
  let format: ClientLocation['format'] = 'json';
  if (FORMAT_EXTENSIONS.yaml.test(file)) format = 'yaml';
  else if (FORMAT_EXTENSIONS.toml.test(file)) format = 'toml';
  return {
    client: GENERIC_CLIENT,
    location: {
      scope: 'project',
      base: 'project',
      path: [path.basename(file)],
      format,
      extract: 'serversOrMcpServers',
    },
  };
}

/** Expands glob segments (`*`, `{a,b}`: one directory level each) into existing paths, sorted. */
async function expand(pattern: string[]): Promise<string[]> {
  let paths = [pattern[0]];
  for (const segment of pattern.slice(1)) {
    if (!isGlob(segment)) {
      paths = paths.map(p => path.join(p, segment));
      continue;
    }
    const next: string[] = [];
    for (const p of paths) {
      try {
        for (const name of (await fs.readdir(p)).sort())
          if (segment === '*' || segmentPattern(segment).test(name))
            next.push(path.join(p, name));
      } catch {
        // a folder that isn't there has nothing to expand
      }
    }
    paths = next;
  }
  return paths;
}

/**
 * The patterns of a planned location: itself, or, for a client whose data
 * folder can be moved (`folderFrom`), the folder each pointer file names.
 */
async function locationPatterns(planned: PlannedLocation): Promise<string[][]> {
  const { folderFrom } = planned.location;
  if (!folderFrom) return [planned.pattern];
  const base = planned.pattern.slice(0, -planned.location.path.length);
  const patterns: string[][] = [];
  for (const pointer of await expand([...base, ...folderFrom.path])) {
    const result = await readConfigFile(pointer, 'json');
    const folder =
      result.ok && result.doc && typeof result.doc === 'object'
        ? (result.doc as Record<string, unknown>)[folderFrom.key]
        : undefined;
    if (typeof folder === 'string' && folder !== '')
      patterns.push([
        path.resolve(path.dirname(pointer), folder),
        ...planned.location.path,
      ]);
  }
  return patterns;
}

class Scan {
  readonly detections: Detection[] = [];
  readonly errors: ScanError[] = [];
  readonly seenFiles = new Set<string>();
  filesRead = 0;
  directoriesWalked = 0;
  readonly settings = new SettingsFiles();
  readonly registry: RegistryIndex;

  constructor(readonly options: ScanOptions) {
    this.registry =
      options.registry ?? new RegistryIndex(loadRegistrySnapshot());
  }

  /** The errors as reported: a parser's message or an entry's name can quote a secret of the file. */
  reportedErrors(): ScanError[] {
    return this.errors.map(error => ({
      path: error.path,
      message: redactSecrets(error.message, { salt: this.options.salt }).value,
    }));
  }

  /** An entry's detection with its risk facts, located in the file it came from. */
  async detection(
    server: DeclaredServer,
    meta: { client: ClientDefinition; scope: Scope; configPath: string },
    positions: ConfigPositions,
  ): Promise<ConfigDetection> {
    const risks = await configEntryRisks(server, {
      client: meta.client.id,
      scope: meta.scope,
      configPath: meta.configPath,
      positions,
      home: this.options.only ? undefined : this.options.home,
      salt: this.options.salt,
      registry: this.registry,
      settings: this.settings,
    });
    return toDetection(server, meta, this.options, risks);
  }

  async readLocation(
    client: ClientDefinition,
    location: ClientLocation,
    file: string,
  ) {
    const resolved = path.resolve(file);
    if (
      location.path[location.path.length - 1] === '*' &&
      !FORMAT_EXTENSIONS[location.format].test(resolved)
    ) {
      return;
    }
    const context: ExtractContext = { fileName: path.basename(resolved) };
    const key = `${client.id}\0${location.extract}\0${resolved}`;
    if (this.seenFiles.has(key)) return;
    this.seenFiles.add(key);
    const result = await readConfigFile(resolved, location.format);
    if (!result.ok) {
      if (!result.missing)
        this.errors.push({ path: resolved, message: result.message });
      return;
    }
    this.filesRead++;
    if (location.extract === 'dockerToolkit')
      context.dockerCatalog = await this.readDockerCatalog(
        path.join(path.dirname(resolved), 'catalogs'),
      );
    const positions = new ConfigPositions(result.text, location.format);
    for (const item of extractServers(
      result.doc,
      location.extract,
      location.urlTransport,
      context,
    )) {
      if (isProblem(item)) {
        this.errors.push({
          path: resolved,
          message:
            item.serverName === '*'
              ? item.message
              : `server '${item.serverName}': ${item.message}`,
        });
      } else {
        this.detections.push(
          await this.detection(
            item,
            { client, scope: location.scope, configPath: resolved },
            positions,
          ),
        );
      }
    }
  }

  /** The Docker MCP Toolkit's catalogs, `docker-mcp.yaml` first, a later definition of a name replacing an earlier one. */
  async readDockerCatalog(dir: string): Promise<DockerCatalog> {
    const catalog: DockerCatalog = new Map();
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter(n => /\.ya?ml$/i.test(n)).sort();
    } catch {
      return catalog;
    }
    names.sort(
      (a, b) =>
        Number(b === DOCKER_CATALOG_FILE) - Number(a === DOCKER_CATALOG_FILE),
    );
    for (const name of names) {
      const file = path.join(dir, name);
      const result = await readConfigFile(file, 'yaml');
      if (!result.ok) {
        if (!result.missing)
          this.errors.push({ path: file, message: result.message });
        continue;
      }
      this.filesRead++;
      const registry = (result.doc as Record<string, unknown> | null)?.registry;
      if (!registry || typeof registry !== 'object') continue;
      for (const [server, definition] of Object.entries(registry))
        if (definition && typeof definition === 'object')
          catalog.set(server, definition as Record<string, unknown>);
    }
    return catalog;
  }

  /**
   * Links each Docker MCP Toolkit server to the client entries that start
   * the toolkit's gateway: `docker mcp gateway run` serves the servers
   * enabled in `registry.yaml`, `--servers a,b` those named; `--profile`
   * serves a profile of the toolkit's database, which is not read.
   */
  linkDockerGateway() {
    const gateways = this.detections.flatMap(d => {
      if (d.source !== 'config' || d.client === 'docker-mcp') return [];
      const serves = gatewayServes(d.command, d.args);
      return serves ? [{ detection: d, serves }] : [];
    });
    for (const d of this.detections) {
      if (d.source !== 'config' || d.client !== 'docker-mcp') continue;
      const via = gateways
        .filter(
          ({ serves }) =>
            'all' in serves ||
            ('only' in serves && serves.only.includes(d.serverName)),
        )
        .map(({ detection }) => ({
          client: detection.client,
          serverName: detection.serverName,
          configPath: detection.configPath,
        }));
      if (via.length > 0) d.via = via;
    }
  }

  async readManifest(file: string, name: string) {
    const found = await findManifest(file, name);
    if (!found) return;
    this.filesRead++;
    const manifestHash = sha256Hex(
      canonicalJson({
        kind: found.manifestKind,
        name: found.serverName,
        packageId: found.packageId,
      }),
    );
    this.detections.push({
      source: 'manifest',
      ...found,
      compositeId: compositeId({
        hostIdHash: this.options.hostIdHash,
        manifestHash,
      }),
    });
  }

  /** Claude Desktop's installed extensions (MCP Bundles, formerly DXT). */
  async readDesktopExtensions() {
    const [appSupport] = resolveBases(this.options).appSupport;
    const dir = path.join(appSupport, 'Claude', 'Claude Extensions');
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return;
    }
    const client = CLIENTS.find(c => c.id === 'claude-desktop')!;
    for (const id of names) {
      const file = path.join(dir, id, 'manifest.json');
      const result = await readConfigFile(file, 'json');
      if (!result.ok) {
        if (!result.missing)
          this.errors.push({ path: file, message: result.message });
        continue;
      }
      this.filesRead++;
      const manifest = result.doc as Record<string, any>;
      const config = manifest?.server?.mcp_config;
      if (!config || typeof config !== 'object') {
        this.errors.push({
          path: file,
          message: 'extension manifest has no server.mcp_config',
        });
        continue;
      }
      const serverName = String(manifest.name ?? manifest.display_name ?? id);
      const positions = new ConfigPositions(result.text, 'json');
      for (const item of extractServers(
        { mcpServers: { [serverName]: config } },
        'mcpServers',
      )) {
        if (isProblem(item))
          this.errors.push({
            path: file,
            message: `extension '${serverName}': ${item.message}`,
          });
        else
          this.detections.push(
            await this.detection(
              // The entry is the manifest's server.mcp_config.
              {
                ...item,
                paths: { ...item.paths, entry: ['server', 'mcp_config'] },
              },
              { client, scope: 'user', configPath: file },
              positions,
            ),
          );
      }
    }
  }

  /** `.mcp.json` files inside Claude Code and Cursor plugin folders. */
  async readPluginConfigs() {
    const plugins: Array<[string, string]> = [
      ['claude-code', path.join(this.options.home, '.claude', 'plugins')],
      ['cursor', path.join(this.options.home, '.cursor', 'plugins')],
    ];
    for (const [clientId, dir] of plugins) {
      const client = CLIENTS.find(c => c.id === clientId)!;
      const location: ClientLocation = {
        scope: 'user',
        base: 'home',
        path: [],
        format: 'json',
        extract: 'mcpServers',
      };
      await this.walk(dir, 0, 6, async (directory, entries) => {
        if (entries.has('.mcp.json'))
          await this.readLocation(
            client,
            location,
            path.join(directory, '.mcp.json'),
          );
      });
    }
  }

  async walk(
    directory: string,
    depth: number,
    maxDepth: number,
    visit: (
      directory: string,
      entries: Map<string, import('node:fs').Dirent>,
    ) => Promise<void>,
  ): Promise<void> {
    let dirents: import('node:fs').Dirent[];
    try {
      dirents = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (depth === 0 && code === 'ENOENT') return;
      if (code !== 'ENOENT')
        this.errors.push({
          path: directory,
          message: `cannot be listed: ${code ?? (error as Error).message}`,
        });
      return;
    }
    this.directoriesWalked++;
    if (this.directoriesWalked % 500 === 0) {
      this.options.onProgress?.({
        directories: this.directoriesWalked,
        files: this.filesRead,
      });
    }
    const entries = new Map(dirents.map(d => [d.name, d]));
    await visit(directory, entries);
    if (depth >= maxDepth) return;
    for (const dirent of dirents) {
      // Symbolic links to folders are not followed: no loops, no walking out of
      // the root. Hidden folders (.vscode, .cursor, .git, ...) are read from
      // their parent by the client table, never walked as projects.
      if (
        dirent.isDirectory() &&
        !dirent.name.startsWith('.') &&
        !SKIPPED_DIRECTORIES.has(dirent.name)
      ) {
        await this.walk(
          path.join(directory, dirent.name),
          depth + 1,
          maxDepth,
          visit,
        );
      }
    }
  }

  async walkProjects(root: string) {
    const locations = projectLocations(this.options.platform);
    await this.walk(
      path.resolve(root),
      0,
      MAX_WALK_DEPTH,
      async (directory, entries) => {
        for (const { client, location } of locations) {
          const [first] = location.path;
          if (
            isGlob(first)
              ? ![...entries.keys()].some(name =>
                  segmentMatches(
                    first,
                    name,
                    location.path.length === 1 ? location : undefined,
                  ),
                )
              : !entries.has(first)
          )
            continue;
          for (const file of await expand([directory, ...location.path])) {
            await this.readLocation(client, location, file);
          }
        }
        for (const name of MANIFEST_FILE_NAMES) {
          const dirent = entries.get(name);
          if (dirent && (dirent.isFile() || dirent.isSymbolicLink())) {
            await this.readManifest(path.join(directory, name), name);
          }
        }
      },
    );
  }
}

/**
 * Reads every MCP client config of the user and the machine, installed
 * desktop extensions and plugin configs, then walks the roots for project
 * configs and MCP servers being built. Never throws for a bad file: it
 * becomes an entry of `errors` and the scan goes on.
 */
export async function scanConfigs(options: ScanOptions): Promise<ScanResult> {
  const scan = new Scan(options);
  if (options.only) {
    for (const target of options.only) {
      const stat = await fs.stat(target).catch(() => undefined);
      if (stat?.isDirectory()) {
        await scan.walkProjects(target);
      } else {
        const { client, location } = locationOfFile(target);
        await scan.readLocation(client, location, target);
        if (!stat)
          scan.errors.push({
            path: path.resolve(target),
            message: 'does not exist',
          });
      }
    }
    scan.linkDockerGateway();
    return {
      detections: scan.detections,
      errors: scan.reportedErrors(),
      stats: {
        filesRead: scan.filesRead,
        directoriesWalked: scan.directoriesWalked,
      },
    };
  }
  for (const planned of planHostLocations(options)) {
    for (const pattern of await locationPatterns(planned)) {
      for (const file of await expand(pattern)) {
        await scan.readLocation(planned.client, planned.location, file);
      }
    }
  }
  await scan.readDesktopExtensions();
  await scan.readPluginConfigs();
  for (const root of options.roots) {
    await scan.walkProjects(root);
  }
  scan.linkDockerGateway();
  return {
    detections: scan.detections,
    errors: scan.reportedErrors(),
    stats: {
      filesRead: scan.filesRead,
      directoriesWalked: scan.directoriesWalked,
    },
  };
}
