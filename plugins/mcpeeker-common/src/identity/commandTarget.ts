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
  const operands = args.filter(a => a !== '' && !a.startsWith('-'));
  let target: string | undefined;
  if (PACKAGE_LAUNCHERS.has(launcher)) {
    const pkg = operands.find(a => a !== 'run');
    target = pkg && withoutVersion(pkg);
  } else if (
    PACKAGE_MANAGER_RUNS[launcher]?.has(operands[0] ?? '') &&
    operands.length > 1
  ) {
    target = withoutVersion(operands[1]);
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
