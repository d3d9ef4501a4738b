import {
  DeclaredServer,
  EntryProblem,
  isObject,
  normalizeEntry,
  Obj,
} from '../normalizeEntry';

/** The Docker MCP Toolkit's catalogs merged: server name → its definition (`catalogs/*.yaml`, `registry` map). */
export type DockerCatalog = Map<string, Obj>;

/** The catalog the toolkit reads first; the others follow, a later definition replacing an earlier one. */
export const DOCKER_CATALOG_FILE = 'docker-mcp.yaml';

const names = (list: unknown, key: string): string[] =>
  Array.isArray(list)
    ? list
        .map(item => (isObject(item) ? item[key] : undefined))
        .filter((n): n is string => typeof n === 'string' && n !== '')
    : [];

/**
 * The entry the gateway runs for one enabled server, as a client config
 * would write it: a remote server's URL (and header names); an image as
 * `docker run -i --rm <image> <command…>` with the names of the variables
 * the catalog passes in (`secrets[].env`, `env[].name`; the gateway adds
 * its own isolation flags and the values); without a definition, the
 * documented way to run that one server through the toolkit,
 * `docker mcp gateway run --servers <name>`.
 */
function entryFor(name: string, definition: Obj | undefined): Obj {
  const remote = isObject(definition?.remote) ? definition!.remote : {};
  const sse =
    typeof definition?.sseEndpoint === 'string' && definition.sseEndpoint !== ''
      ? definition.sseEndpoint
      : undefined;
  const url =
    typeof remote.url === 'string' && remote.url !== '' ? remote.url : sse;
  if (url) {
    let type: string | undefined;
    if (typeof remote.transport_type === 'string') type = remote.transport_type;
    else if (url === sse) type = 'sse';
    return {
      url,
      ...(type ? { type } : {}),
      ...(isObject(remote.headers) ? { headers: remote.headers } : {}),
    };
  }
  const image = definition?.image;
  if (typeof image === 'string' && image !== '') {
    const env = [
      ...names(definition!.secrets, 'env'),
      ...names(definition!.env, 'name'),
    ];
    const command = Array.isArray(definition!.command)
      ? definition!.command.map(String)
      : [];
    return {
      command: 'docker',
      args: ['run', '-i', '--rm', image, ...command],
      ...(env.length > 0
        ? { env: Object.fromEntries(env.map(n => [n, ''])) }
        : {}),
    };
  }
  return {
    command: 'docker',
    args: ['mcp', 'gateway', 'run', '--servers', name],
  };
}

/** The servers enabled in the toolkit's `registry.yaml`, each as the gateway runs it. */
export function dockerToolkitServers(
  doc: Obj,
  catalog: DockerCatalog,
): Array<DeclaredServer | EntryProblem> {
  const registry = doc.registry;
  if (registry === undefined || registry === null) return [];
  if (!isObject(registry))
    return [{ serverName: '*', message: 'registry is not a map of servers' }];
  return Object.keys(registry).map(name =>
    normalizeEntry(name, entryFor(name, catalog.get(name)), undefined, [
      'registry',
      name,
    ]),
  );
}

/** Whether a config entry starts the toolkit's gateway (`docker mcp gateway run`), and which servers it serves. */
export function gatewayServes(
  command: string | undefined,
  args: string[] | undefined,
): { all: true } | { only: string[] } | { profile: true } | undefined {
  if (!command || !/(^|[\\/])docker(\.exe)?$/i.test(command) || !args)
    return undefined;
  if (args[0] !== 'mcp' || args[1] !== 'gateway' || args[2] !== 'run')
    return undefined;
  const only: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s);
    if (flag === '--profile') return { profile: true };
    if (flag === '--servers') {
      const value = inline ?? args[++i] ?? '';
      only.push(...value.split(',').filter(Boolean));
    }
  }
  return only.length > 0 ? { only } : { all: true };
}
