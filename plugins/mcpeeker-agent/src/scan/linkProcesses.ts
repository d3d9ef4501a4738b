import type { ConfigDetection } from './scanConfigs';
import type { ProcessDetection } from './scanProcesses';

const PACKAGE_LAUNCHERS = new Set([
  'npx',
  'uvx',
  'bunx',
  'pipx',
  'pnpx',
  'dlx',
]);
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

/**
 * What of a config entry's command shows up in the command line of the
 * process it starts: the package a launcher runs (`npx -y @scope/pkg@1` →
 * `@scope/pkg`), the script or module a runner runs, the image docker runs,
 * or the binary itself.
 */
export function processKey(
  command: string,
  args: string[] = [],
): string | undefined {
  const launcher = base(command);
  const operands = args.filter(a => !a.startsWith('-'));
  let key: string | undefined;
  if (PACKAGE_LAUNCHERS.has(launcher)) {
    key = operands.find(a => a !== 'run')?.replace(/(.)@[^/@]*$/, '$1');
  } else if (launcher === 'docker') {
    key = operands.filter(a => a !== 'run' && !a.includes('=')).pop();
  } else if (SCRIPT_RUNNERS.has(launcher)) {
    const m = args.indexOf('-m');
    key = m >= 0 ? args[m + 1] : operands[0];
  } else if (launcher === 'uv') {
    key = operands.filter(a => a !== 'run' && a !== 'tool')[0];
  } else {
    key = base(command);
  }
  return key && key.length >= 4 ? key : undefined;
}

/** Names, on each running server, the config entry it was started from. */
export function linkProcessesToConfigs(
  processes: ProcessDetection[],
  configs: ConfigDetection[],
): void {
  const keyed = configs
    .filter(c => c.command !== undefined && !c.disabled)
    .map(c => ({ config: c, key: processKey(c.command!, c.args) }))
    .filter(
      (k): k is { config: ConfigDetection; key: string } => k.key !== undefined,
    )
    // The most specific key wins.
    .sort((a, b) => b.key.length - a.key.length);
  for (const proc of processes) {
    const line = [proc.command, ...proc.args].join(' ').replace(/\\/g, '/');
    const match = keyed.find(
      k =>
        line.includes(k.key.replace(/\\/g, '/')) &&
        (!proc.parentClient || proc.parentClient === k.config.client),
    );
    if (match) {
      proc.configRef = {
        client: match.config.client,
        serverName: match.config.serverName,
        configPath: match.config.configPath,
      };
    }
  }
}
