import {
  packageCommand,
  withholdsArgument,
  type ServerJson,
} from '@mcpeeker/plugin-mcpeeker-common';

/** Why a server that names neither a package nor a remote can be neither recognised nor run by a client. */
export const NOTHING_TO_MATCH =
  'the registry serves neither a package nor a remote URL for it (an entry identified by host and port, say)';

type Field = { name?: unknown; value?: unknown; default?: unknown };

/** The entries of a server.json list (environment variables, headers, arguments) its user must give: required, with neither a value nor a default. */
function fromUser(list: unknown): Field[] {
  return Array.isArray(list)
    ? list.filter(
        v =>
          v &&
          typeof v === 'object' &&
          v.isRequired === true &&
          v.default === undefined &&
          v.value === undefined,
      )
    : [];
}

/**
 * Whether running this remote or package needs something only its user has
 * (a secret). `envFromUser`: an environment variable does not count, the
 * client takes it from the user's environment.
 */
function needsUserInput(part: object, envFromUser: boolean) {
  const fields = part as Record<string, unknown>;
  return (
    (!envFromUser && fromUser(fields.environmentVariables).length > 0) ||
    fromUser(fields.headers).length > 0 ||
    fromUser(fields.packageArguments).length > 0 ||
    fromUser(fields.runtimeArguments).length > 0
  );
}

/** The short name a deployed server gets in a client's `mcpServers`: the part of its registry name after the slash. */
function shortName(name: string, taken: Set<string>) {
  const base = (name.split('/').pop() ?? name).replace(/[^A-Za-z0-9_-]/g, '-');
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}-${i}`;
  taken.add(candidate);
  return candidate;
}

/** How an approved server is run for every user of a machine. */
export type ServerRun =
  | { transport: 'streamable-http' | 'sse'; url: string }
  | {
      transport: 'stdio';
      command: string[];
      /** Variables the server is given; `${NAME}` is the client's reference to the user's own. */
      env?: Record<string, string>;
    };

/** An approved server a client can run for everyone, under the name it gets in `mcpServers`. */
export interface DeployedServer {
  /** Its registry name. */
  name: string;
  /** Its key in the client's `mcpServers`. */
  key: string;
  run: ServerRun;
}

/** Why `deployedServers` leaves a server out. */
function notDeployableBecause(server: ServerJson, envFromUser: boolean) {
  if (!server.packages?.length && !server.remotes?.length)
    return NOTHING_TO_MATCH;
  const runnable =
    (server.remotes ?? []).length > 0 ||
    (server.packages ?? []).some(
      p =>
        p.transport.type === 'stdio' &&
        (packageCommand(p) || withholdsArgument(p)),
    );
  if (!runnable) return 'no package command or URL to run it by';
  return envFromUser
    ? 'each needs a header or argument from its user'
    : 'each needs a secret or value from its user';
}

/**
 * The approved servers a client can run for every user of a machine: a
 * remote URL without templates, else a stdio package at its exact command,
 * without a value only its user has. `envFromUser`: the client expands
 * `${NAME}` in a server's environment from the user's own (Gemini CLI, Qwen
 * Code), so a variable the user must set does not keep the server out. The
 * others are in `skipped`, each with why.
 */
export function deployedServers(
  servers: ServerJson[],
  options: { envFromUser: boolean } = { envFromUser: false },
): {
  deployed: DeployedServer[];
  skipped: Array<{ name: string; why: string }>;
} {
  const deployed: DeployedServer[] = [];
  const skipped: Array<{ name: string; why: string }> = [];
  const taken = new Set<string>();
  for (const server of servers) {
    const remote = (server.remotes ?? []).find(
      r => !/[{}]/.test(r.url) && !needsUserInput(r, false),
    );
    const pkg = (server.packages ?? []).find(
      p =>
        p.transport.type === 'stdio' &&
        packageCommand(p) &&
        !needsUserInput(p, options.envFromUser),
    );
    let run: ServerRun | undefined;
    if (remote) run = { transport: remote.type, url: remote.url };
    else if (pkg) {
      const env = options.envFromUser ? environment(pkg) : {};
      run = {
        transport: 'stdio',
        command: packageCommand(pkg)!,
        ...(Object.keys(env).length > 0 ? { env } : {}),
      };
    }
    if (run)
      deployed.push({
        name: server.name,
        key: shortName(server.name, taken),
        run,
      });
    else
      skipped.push({
        name: server.name,
        why: notDeployableBecause(server, options.envFromUser),
      });
  }
  return { deployed, skipped };
}

/** A package's environment: the values the registry serves, and a `${NAME}` reference for each its user must set. */
function environment(pkg: object): Record<string, string> {
  const env: Record<string, string> = {};
  const list = (pkg as { environmentVariables?: unknown }).environmentVariables;
  for (const v of Array.isArray(list) ? (list as Field[]) : []) {
    if (typeof v?.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name))
      continue;
    if (typeof v.value === 'string') env[v.name] = v.value;
    else if (fromUser([v]).length > 0) env[v.name] = `\${${v.name}}`;
  }
  return env;
}

/** Skipped servers grouped by why, in the order they came: one line each reason. */
export function byReason(skipped: Array<{ name: string; why: string }>) {
  const groups = new Map<string, string[]>();
  for (const { name, why } of skipped)
    groups.set(why, [...(groups.get(why) ?? []), name]);
  return [...groups.entries()].map(([why, names]) => ({ why, names }));
}
