/**
 * `docker run` (or `podman run`) as a config entry writes it: its options,
 * the image and its mounts. Options that take no value are listed; every
 * other option takes one (`-e X`, `-v a:b`, `--name n`), unless written
 * `--option=value`.
 */

const ENGINES = new Set(['docker', 'podman', 'nerdctl']);
const BOOLEAN_LONG = new Set([
  '--rm',
  '--privileged',
  '--init',
  '--interactive',
  '--tty',
  '--detach',
  '--read-only',
  '--no-healthcheck',
  '--oom-kill-disable',
  '--publish-all',
  '--quiet',
  '--disable-content-trust',
  '--sig-proxy',
  '--help',
]);
/** Short options without a value, which may be grouped (`-it`, `-itd`). */
const BOOLEAN_SHORT = /^-[itdPq]+$/;
/** Options before the subcommand that take a value (`docker --context x run`). */
const GLOBAL_VALUE_OPTIONS = new Set([
  '--context',
  '-c',
  '--host',
  '-H',
  '--config',
  '--log-level',
  '-l',
]);

export interface DockerOption {
  name: string;
  value?: string;
  /** Index in `args` of the option (its value is there too with `=`, else at index + 1). */
  index: number;
  /** Index in `args` of the value. */
  valueIndex?: number;
}

export interface DockerMount {
  source: string;
  target?: string;
  /** Index in `args` of the argument that holds the mount. */
  index: number;
}

export interface DockerRun {
  options: DockerOption[];
  mounts: DockerMount[];
  /** Index in `args` of the image, when there is one. */
  imageIndex?: number;
}

const base = (p: string) =>
  (p.split(/[\\/]/).pop() ?? p).replace(/\.exe$/i, '').toLowerCase();

/** `-v SRC:DST[:opts]`: a Windows source keeps its drive (`C:\x:/y`). */
function volumeSource(spec: string): { source: string; target?: string } {
  const drive = /^[A-Za-z]:[\\/]/.test(spec) ? 2 : 0;
  const colon = spec.indexOf(':', drive);
  if (colon < 0) return { source: spec };
  const target = spec.slice(colon + 1).split(':')[0];
  return { source: spec.slice(0, colon), target };
}

/** `--mount type=bind,source=/,target=/host` (also `src=`, `dst=`, `destination=`). */
function mountSource(
  spec: string,
): { source: string; target?: string } | undefined {
  const fields = new Map(
    spec.split(',').map(part => {
      const eq = part.indexOf('=');
      return eq < 0
        ? ([part.trim(), ''] as const)
        : ([
            part.slice(0, eq).trim().toLowerCase(),
            part.slice(eq + 1),
          ] as const);
    }),
  );
  const source = fields.get('source') ?? fields.get('src');
  if (source === undefined) return undefined;
  const target =
    fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
  return { source, ...(target ? { target } : {}) };
}

/** The `run` of a docker command, or undefined when the command is not `docker run`. */
export function parseDockerRun(
  command: string | undefined,
  args: string[] = [],
): DockerRun | undefined {
  if (!command || !ENGINES.has(base(command))) return undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) break;
    if (!arg.includes('=') && GLOBAL_VALUE_OPTIONS.has(arg)) i++;
  }
  if (args[i] === 'container') i++;
  if (args[i] !== 'run') return undefined;
  const run: DockerRun = { options: [], mounts: [] };
  for (i++; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      if (i + 1 < args.length) run.imageIndex = i + 1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      run.imageIndex = i;
      break;
    }
    const eq = arg.indexOf('=');
    if (eq > 0 && arg.startsWith('--')) {
      run.options.push({
        name: arg.slice(0, eq),
        value: arg.slice(eq + 1),
        index: i,
        valueIndex: i,
      });
    } else if (BOOLEAN_LONG.has(arg) || BOOLEAN_SHORT.test(arg)) {
      run.options.push({ name: arg, index: i });
    } else if (/^-[A-Za-z]$/.test(arg) || arg.startsWith('--')) {
      run.options.push({
        name: arg,
        value: args[i + 1],
        index: i,
        valueIndex: i + 1,
      });
      i++;
    } else {
      // `-eFOO=bar`, `-p8080:80`: a short option with its value attached.
      run.options.push({
        name: arg.slice(0, 2),
        value: arg.slice(2),
        index: i,
        valueIndex: i,
      });
    }
  }
  for (const option of run.options) {
    if (option.value === undefined) continue;
    const at = option.valueIndex ?? option.index;
    if (option.name === '-v' || option.name === '--volume') {
      run.mounts.push({ ...volumeSource(option.value), index: at });
    } else if (option.name === '--mount') {
      const mount = mountSource(option.value);
      if (mount) run.mounts.push({ ...mount, index: at });
    }
  }
  return run;
}
