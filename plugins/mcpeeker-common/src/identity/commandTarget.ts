/** Launchers that fetch and run a package: `npx -y @scope/pkg@1`, `uvx pkg`, `pipx run pkg`. */
const PACKAGE_LAUNCHERS = new Set([
  'npx',
  'uvx',
  'bunx',
  'pipx',
  'pnpx',
  'dlx',
]);
/** Package managers whose subcommand runs a package: `npm exec pkg`, `npm x pkg`, `pnpm dlx pkg`, `yarn dlx pkg`, `bun x pkg`. */
const PACKAGE_MANAGER_RUNS: Record<string, Set<string>> = {
  npm: new Set(['exec', 'x']),
  pnpm: new Set(['dlx', 'exec']),
  yarn: new Set(['dlx']),
  bun: new Set(['x']),
};
const SCRIPT_RUNNERS = new Set([
  'node',
  'python',
  'python3',
  'deno',
  'bun',
  'tsx',
  'ts-node',
]);

const base = (p: string) =>
  (p.split(/[\\/]/).pop() ?? p).replace(/\.(exe|cmd)$/i, '').toLowerCase();

/** A package spec without its version: `@scope/pkg@1.2` → `@scope/pkg`, `pkg==1.0` → `pkg`. */
const withoutVersion = (spec: string) =>
  spec.replace(/(.)@[^/@]*$/, '$1').replace(/(.)(==|>=|<=|~=)[^/]*$/, '$1');

/** A version a spec pins: digits first (`1.2.3`, `v2`, `2025.1.0-rc.1`), not a tag (`latest`) or a range (`^1`). */
const PINNED_VERSION = /^v?\d[\w.+-]*$/;

/**
 * A package spec as a command writes it, split into the package and the
 * version it pins: `@scope/pkg@1.2.3` → `{ name: '@scope/pkg', version:
 * '1.2.3' }`, `pkg==1.0` → `{ name: 'pkg', version: '1.0' }`. A tag or a
 * range (`pkg@latest`, `pkg>=1`) pins nothing: the name alone.
 *
 * @public
 */
export function splitPackageSpec(spec: string): {
  name: string;
  version?: string;
} {
  const name = withoutVersion(spec);
  const rest = spec.slice(name.length);
  let version: string | undefined;
  if (rest.startsWith('@')) version = rest.slice(1);
  else if (rest.startsWith('==')) version = rest.slice(2);
  return version && PINNED_VERSION.test(version) ? { name, version } : { name };
}

/** The package spec a launcher or a package manager's run subcommand runs, as written. */
function launchedPackage(
  launcher: string,
  operands: string[],
): string | undefined {
  if (PACKAGE_LAUNCHERS.has(launcher)) return operands.find(a => a !== 'run');
  if (
    PACKAGE_MANAGER_RUNS[launcher]?.has(operands[0] ?? '') &&
    operands.length > 1
  )
    return operands[1];
  return undefined;
}

const operandsOf = (args: string[]) =>
  args.filter(a => a !== '' && !a.startsWith('-'));

/**
 * The package a command fetches and runs, and the version it pins:
 * `npx -y @scope/pkg@1.2.3` → `{ name: '@scope/pkg', version: '1.2.3' }`,
 * `pipx run pkg==1.0` → `{ name: 'pkg', version: '1.0' }`. Undefined when
 * no launcher runs a package (a binary, a script, an image).
 *
 * @public
 */
export function commandPackage(
  command: string,
  args: string[] = [],
): { name: string; version?: string } | undefined {
  const spec = launchedPackage(base(command), operandsOf(args));
  return spec ? splitPackageSpec(spec) : undefined;
}

/**
 * The arguments a command gives the package a launcher runs, after its spec:
 * `npx -y @modelcontextprotocol/server-filesystem /srv` → `['/srv']`.
 * Undefined when no launcher runs a package.
 *
 * @public
 */
export function commandPackageArguments(
  command: string,
  args: string[] = [],
): string[] | undefined {
  const spec = launchedPackage(base(command), operandsOf(args));
  if (spec === undefined) return undefined;
  return args.slice(args.indexOf(spec) + 1);
}

/**
 * What a command runs, as a person would name it and as it shows up in the
 * command line of the process it starts: the package a launcher runs without
 * its version (`npx -y @scope/pkg@1` → `@scope/pkg`, `npm exec pkg`,
 * `pipx run pkg`, `uvx pkg`), the script or module a runner runs
 * (`python -m acme.server` → `acme.server`), the image docker runs, or else
 * the binary's base name. Undefined when a launcher or runner has nothing
 * to run.
 *
 * @public
 */
export function commandTarget(
  command: string,
  args: string[] = [],
): string | undefined {
  const launcher = base(command);
  const operands = operandsOf(args);
  let target: string | undefined;
  const pkg = launchedPackage(launcher, operands);
  if (pkg !== undefined || PACKAGE_LAUNCHERS.has(launcher)) {
    target = pkg && withoutVersion(pkg);
  } else if (launcher === 'docker') {
    target = operands.filter(a => a !== 'run' && !a.includes('=')).pop();
  } else if (SCRIPT_RUNNERS.has(launcher)) {
    const m = args.indexOf('-m');
    target = m >= 0 ? args[m + 1] : operands[0];
  } else if (launcher === 'uv') {
    target = operands.filter(a => a !== 'run' && a !== 'tool')[0];
  } else {
    target = launcher;
  }
  // A launcher or runner with nothing to run (`npx`, `node`) names nothing.
  return target || undefined;
}

/**
 * A server's name as people read it, from what its command runs: the
 * package (`@scope/pkg`), the module, the image without its registry and
 * tag, or a script's or binary's file name without its directory and
 * extension (`node /usr/lib/node_modules/.bin/mcp-server-everything` →
 * `mcp-server-everything`; `node …/@scope/pkg/dist/index.js` → `@scope/pkg`).
 *
 * @public
 */
export function serverNameFromCommand(
  command: string,
  args: string[] = [],
): string | undefined {
  const target = commandTarget(command, args);
  if (!target) return undefined;
  const parts = target.split(/[\\/]/).filter(Boolean);
  // A script inside a package's folder is named after the package.
  const inModules = parts.lastIndexOf('node_modules');
  if (inModules >= 0 && parts[inModules + 1] && parts[inModules + 1] !== '.bin')
    return parts[inModules + 1].startsWith('@') && parts[inModules + 2]
      ? `${parts[inModules + 1]}/${parts[inModules + 2]}`
      : parts[inModules + 1];
  if (/^@[^/\\]+[\\/][^/\\]+$/.test(target)) return target;
  const last = (parts.pop() ?? target).replace(/:[^:]*$/, '');
  return last.replace(/\.(m?js|cjs|ts|py|exe|cmd)$/i, '') || undefined;
}
