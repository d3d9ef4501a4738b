import type { RegistryEntry } from './registry';
import type { ServerJson } from './serverJson';
import {
  redactSecrets,
  REDACTION_MARKER_PATTERN,
} from '../redaction/redactSecrets';

/** One package of a server.json. @public */
export type ServerPackage = NonNullable<ServerJson['packages']>[number];

type Argument = Record<string, unknown>;

/** An argument value the user fills in (`{name}`): no exact command holds it. */
const TEMPLATE = /\{[^{}]*\}/;

/**
 * The words a list of server.json arguments (`runtimeArguments`,
 * `packageArguments`) adds to a command, in order: a positional's value, a
 * named one's name then its value. `undefined` when a value is withheld (a
 * secret the registry does not serve, one the user fills in) or looks like a
 * secret to the one redaction: then no exact command can be written.
 */
function argumentWords(list: unknown): string[] | undefined {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  const words: string[] = [];
  for (const item of list as Argument[]) {
    const value = typeof item?.value === 'string' ? item.value : undefined;
    if (value !== undefined && TEMPLATE.test(value)) return undefined;
    if (item?.type === 'named' && typeof item.name === 'string') {
      if (value === undefined && (item.isRequired || item.isSecret))
        return undefined;
      words.push(item.name, ...(value === undefined ? [] : [value]));
    } else if (value !== undefined) words.push(value);
    else return undefined;
  }
  return redactions(words) > 0 ? undefined : words;
}

/** How many secrets the one redaction finds in a command's words (a marker it left counts). */
function redactions(words: string[]): number {
  return (
    words.filter(w => REDACTION_MARKER_PATTERN.test(w)).length +
    redactSecrets({ args: words }, { salt: 'allowed-command' }).redactions
  );
}

/** Whether a stdio package runs with an argument no exact command can hold: a secret, or a value its user gives. */
export function withholdsArgument(pkg: ServerPackage): boolean {
  return (
    argumentWords(pkg.runtimeArguments) === undefined ||
    argumentWords(pkg.packageArguments) === undefined
  );
}

/**
 * The exact command a stdio package runs with, as Claude Code's
 * `serverCommand` matches it (command and every argument, in order): the
 * runtime (`npx`, `uvx`, `docker run -i --rm`), its runtime arguments (npx's
 * `-y` when none are given), the package at its version, then its package
 * arguments: `npx -y @modelcontextprotocol/server-filesystem@1.0.0 /`.
 * `undefined` for a registry type with no one way to run it, or an argument
 * withheld ({@link withholdsArgument}).
 *
 * @public
 */
export function packageCommand(pkg: ServerPackage): string[] | undefined {
  const version = pkg.version ? pkg.version : undefined;
  const runtime = argumentWords(pkg.runtimeArguments);
  const args = argumentWords(pkg.packageArguments);
  if (!runtime || !args) return undefined;
  const given = Array.isArray(pkg.runtimeArguments);
  switch (pkg.registryType) {
    case 'npm':
      return [
        'npx',
        ...(given ? runtime : ['-y']),
        version ? `${pkg.identifier}@${version}` : pkg.identifier,
        ...args,
      ];
    case 'pypi':
      return [
        'uvx',
        ...runtime,
        version ? `${pkg.identifier}==${version}` : pkg.identifier,
        ...args,
      ];
    case 'oci':
      return [
        'docker',
        'run',
        '-i',
        '--rm',
        ...runtime,
        version && !/[:@]/.test(pkg.identifier.split('/').pop() ?? '')
          ? `${pkg.identifier}:${version}`
          : pkg.identifier,
        ...args,
      ];
    default:
      return undefined;
  }
}

/**
 * The package registry of a package a registered entry names, by how it is
 * run (the launcher its command signature starts with), and the runtime a
 * client runs it with.
 */
function packageRegistry(identity: RegistryEntry['identity']): {
  registryType: string;
  runtimeHint: string;
} {
  if (identity.packageId?.startsWith('oci:'))
    return { registryType: 'oci', runtimeHint: 'docker' };
  const launcher = identity.commandSignature?.split(' ')[0];
  switch (launcher) {
    case 'uvx':
    case 'uv':
    case 'pipx':
    case 'python':
    case 'python3':
      return { registryType: 'pypi', runtimeHint: 'uvx' };
    case 'docker':
    case 'podman':
      return { registryType: 'oci', runtimeHint: 'docker' };
    case 'dnx':
    case 'dotnet':
      return { registryType: 'nuget', runtimeHint: 'dnx' };
    default:
      return { registryType: 'npm', runtimeHint: 'npx' };
  }
}

const positional = (values: string[]) =>
  values.map(value => ({ type: 'positional', value }));

/**
 * The package the MCP Registry API serves for an entry registered without
 * server.json: its registry and runtime, the package at its version and the
 * arguments its finding ran it with (positional, each with its value; npx's
 * `-y` as its runtime argument). A secret-looking argument is served without
 * its value, as the Registry API serves every secret.
 *
 * @public
 */
export function registeredPackage(
  identity: RegistryEntry['identity'],
): ServerPackage | undefined {
  if (!identity.packageId) return undefined;
  const registry = packageRegistry(identity);
  const args = identity.packageArguments ?? [];
  return {
    ...registry,
    identifier: identity.packageId.replace(/^oci:/, ''),
    ...(identity.packageVersion ? { version: identity.packageVersion } : {}),
    transport: { type: 'stdio' },
    ...(registry.runtimeHint === 'npx'
      ? { runtimeArguments: positional(['-y']) }
      : {}),
    ...(args.length > 0
      ? {
          // An argument is secret when the redaction finds one more secret
          // with it than in the words before it (`--api-key VALUE`).
          packageArguments: args.map((value, i) =>
            redactions(args.slice(0, i + 1)) > redactions(args.slice(0, i))
              ? {
                  type: 'positional',
                  valueHint: 'secret',
                  isRequired: true,
                  isSecret: true,
                }
              : { type: 'positional', value },
          ),
        }
      : {}),
  };
}

/**
 * What enforcement allows of an entry: the exact commands Claude Code's
 * allowlist holds for its stdio packages (the ones the Registry API serves,
 * as `mcpeeker-agent policy` writes them), and whether a package has none
 * because an argument it runs with is withheld.
 *
 * @public
 */
export function allowedCommands(
  entry: Pick<RegistryEntry, 'identity' | 'serverJson'>,
): { commands: string[][]; withheld: boolean } {
  const packages = entry.serverJson
    ? entry.serverJson.packages ?? []
    : [registeredPackage(entry.identity)].filter(
        (p): p is ServerPackage => p !== undefined,
      );
  const commands: string[][] = [];
  let withheld = false;
  for (const pkg of packages) {
    if (pkg.transport.type !== 'stdio') continue;
    const command = packageCommand(pkg);
    if (command) commands.push(command);
    else withheld ||= withholdsArgument(pkg);
  }
  return { commands, withheld };
}
