/**
 * What package a server's command fetches and runs, with the version it asks
 * for: `npx -y @scope/pkg@1.2.3`, `uvx pkg==1.0`, `pipx run --spec pkg pkg`,
 * `docker run … image:tag`. Read from the command line only; nothing is run.
 */

export type Ecosystem = 'npm' | 'pypi' | 'oci';

export interface PackageRef {
  ecosystem: Ecosystem;
  /** The package or image name without version, tag or digest (`@scope/pkg`, `mcp-server-git`, `ghcr.io/github/github-mcp-server`). */
  name: string;
  /** The spec as written (`@scope/pkg@^1.2.0`, `pkg==1.0`, `image:latest`). */
  spec: string;
  /** Index in `args` of the spec. */
  argIndex: number;
  /** Whether the spec names one exact release (an exact version, a tag other than latest, a digest). */
  pinned: boolean;
  /** The version, tag or digest it asks for, when it names one. */
  version?: string;
}

const base = (p: string) =>
  (p.split(/[\\/]/).pop() ?? p).replace(/\.(exe|cmd)$/i, '').toLowerCase();

/** An exact semver release: 1.2.3, 1.2.3-beta.1, 1.2.3+build. Ranges (^, ~, >=, 1.x, 1) are not. */
const EXACT_SEMVER =
  /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** An exact PEP 440 release: 1.0, 2025.1.17, 1.2.3rc1, 1.0.post1; not a wildcard. */
const EXACT_PEP440 = /^\d+(?:\.\d+)*(?:(?:a|b|rc|\.post|\.dev)\d+)*$/i;

/**
 * Whether a version spec names one release, plain or written as a range:
 * `1.2.3`, `=1.2.3`, `==1.2.3`, `===1.2.3`, or two bounds that coincide
 * (`>=1.2.3 <=1.2.3`, `>=1.2.3,<=1.2.3`, `1.2.3 - 1.2.3`). Carets, tildes,
 * `~=`, wildcards and bounds apart name more than one.
 */
function namesOneRelease(spec: string, exact: RegExp): boolean {
  const plain = (v: string) => v.replace(/^v/, '');
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(spec.trim());
  if (hyphen)
    return exact.test(hyphen[1]) && plain(hyphen[1]) === plain(hyphen[2]);
  const comparators = spec
    .trim()
    .replace(/(>=|<=|={1,3})\s+/g, '$1')
    .split(/[\s,]+/)
    .map(c => /^(>=|<=|={1,3})?(.+)$/.exec(c))
    .map(m => m && { operator: m[1] ?? '=', version: m[2] });
  if (comparators.some(c => !c || !exact.test(c.version))) return false;
  const [a, b, ...rest] = comparators as Array<{
    operator: string;
    version: string;
  }>;
  if (!b) return a.operator.startsWith('=');
  return (
    rest.length === 0 &&
    [a.operator, b.operator].sort().join(' ') === '<= >=' &&
    plain(a.version) === plain(b.version)
  );
}

/** Launchers whose first operand is an npm package, and the options of theirs that take a value. */
const NPM_LAUNCHERS = new Set(['npx', 'bunx', 'pnpx']);
const NPM_RUNS: Record<string, string> = {
  npm: 'exec',
  pnpm: 'dlx',
  yarn: 'dlx',
  bun: 'x',
};
const NPM_VALUE_OPTIONS = new Set([
  '-p',
  '--package',
  '-c',
  '--call',
  '--registry',
  '--cache',
  '--userconfig',
  '-w',
  '--workspace',
  '--node-options',
]);
const UV_VALUE_OPTIONS = new Set([
  '--from',
  '--with',
  '-w',
  '--with-editable',
  '--with-requirements',
  '--python',
  '-p',
  '--index',
  '--index-url',
  '--extra-index-url',
  '--default-index',
  '--directory',
  '--project',
  '--env-file',
  '-c',
  '--constraints',
  '--overrides',
  '--cache-dir',
]);
const PIPX_VALUE_OPTIONS = new Set([
  '--spec',
  '--python',
  '--pip-args',
  '--index-url',
]);

/** A spec that is a path, a URL or a VCS source: no registry release to pin or look up. */
const NOT_A_REGISTRY_SPEC =
  /^(?:\.{0,2}[\\/]|[A-Za-z]:[\\/]|~|file:|git[+:]|https?:|github:|npm:|jsr:|link:|workspace:)/;

export function npmSpec(
  spec: string,
): Pick<PackageRef, 'name' | 'pinned' | 'version'> | undefined {
  if (NOT_A_REGISTRY_SPEC.test(spec)) return undefined;
  const match = /^((?:@[^/@\s]+\/)?[^/@\s]+)(?:@(.*))?$/.exec(spec);
  if (!match) return undefined;
  const [, name, version] = match;
  return {
    name: name.toLowerCase(),
    pinned: version !== undefined && namesOneRelease(version, EXACT_SEMVER),
    ...(version ? { version } : {}),
  };
}

export function pypiSpec(
  spec: string,
): Pick<PackageRef, 'name' | 'pinned' | 'version'> | undefined {
  if (NOT_A_REGISTRY_SPEC.test(spec)) return undefined;
  // name[extras] then ==x, ===x, @x (uvx), or a range (>=, ~=, <, !=).
  const match =
    /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:(===?|@)\s*([^\s,;]+)|([<>!~]=?.*))?$/.exec(
      spec,
    );
  if (!match) return undefined;
  const [, rawName, operator, exact, range] = match;
  const name = rawName.toLowerCase().replace(/[._]+/g, '-');
  if (range)
    return {
      name,
      pinned: namesOneRelease(range, EXACT_PEP440),
      version: range.trim(),
    };
  if (!exact) return { name, pinned: false };
  return {
    name,
    pinned: operator !== undefined && EXACT_PEP440.test(exact),
    version: exact,
  };
}

export function ociSpec(
  image: string,
): Pick<PackageRef, 'name' | 'pinned' | 'version'> | undefined {
  if (!/^[a-z0-9][\w.\-/:@]*$/i.test(image)) return undefined;
  const at = image.indexOf('@');
  if (at > 0) {
    const digest = image.slice(at + 1);
    const named = ociSpec(image.slice(0, at));
    return named && /^sha256:[0-9a-f]{64}$/i.test(digest)
      ? { name: named.name, pinned: true, version: digest }
      : named;
  }
  // The tag is after the last ':' that comes after the last '/' (a registry may have a port).
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > slash ? image.slice(colon + 1) : undefined;
  let name = (colon > slash ? image.slice(0, colon) : image).toLowerCase();
  // Docker Hub's defaults: `docker.io/library/node` is `node`.
  name = name.replace(/^(?:docker\.io|index\.docker\.io)\//, '');
  name = name.replace(/^library\//, '');
  return {
    name,
    pinned: tag !== undefined && tag !== 'latest',
    ...(tag ? { version: tag } : {}),
  };
}

function firstOperand(
  args: string[],
  start: number,
  valueOptions: Set<string>,
): number {
  for (let i = start; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && valueOptions.has(arg)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** The value of an option (`--from x`, `--from=x`) at or after `start`, with its index. */
function optionValue(
  args: string[],
  names: string[],
  start: number,
  end: number,
): { value: string; index: number } | undefined {
  for (let i = start; i < end; i++) {
    for (const name of names) {
      if (args[i] === name && args[i + 1] !== undefined)
        return { value: args[i + 1], index: i + 1 };
      if (args[i].startsWith(`${name}=`))
        return { value: args[i].slice(name.length + 1), index: i };
    }
  }
  return undefined;
}

function npmRef(args: string[], start: number): PackageRef | undefined {
  const operand = firstOperand(args, start, NPM_VALUE_OPTIONS);
  const end = operand < 0 ? args.length : operand;
  const option = optionValue(args, ['-p', '--package'], start, end);
  const at =
    option ??
    (operand >= 0 ? { value: args[operand], index: operand } : undefined);
  const spec = at && npmSpec(at.value);
  return at && spec
    ? { ecosystem: 'npm', spec: at.value, argIndex: at.index, ...spec }
    : undefined;
}

function pypiRef(
  args: string[],
  start: number,
  valueOptions: Set<string>,
  fromOptions: string[],
): PackageRef | undefined {
  const operand = firstOperand(args, start, valueOptions);
  const end = operand < 0 ? args.length : operand;
  const option = optionValue(args, fromOptions, start, end);
  const at =
    option ??
    (operand >= 0 ? { value: args[operand], index: operand } : undefined);
  const spec = at && pypiSpec(at.value);
  return at && spec
    ? { ecosystem: 'pypi', spec: at.value, argIndex: at.index, ...spec }
    : undefined;
}

/** The package a command fetches and runs, or undefined (a local script, a binary, an unknown launcher). */
export function packageRef(
  command: string | undefined,
  args: string[] = [],
  dockerImageIndex?: number,
): PackageRef | undefined {
  if (!command) return undefined;
  const launcher = base(command);
  if (NPM_LAUNCHERS.has(launcher)) return npmRef(args, 0);
  if (NPM_RUNS[launcher] !== undefined) {
    const sub = args.findIndex(a => !a.startsWith('-'));
    if (sub >= 0 && args[sub] === NPM_RUNS[launcher])
      return npmRef(args, sub + 1);
    if (launcher === 'npm' && args[sub] === 'x') return npmRef(args, sub + 1);
    return undefined;
  }
  if (launcher === 'uvx') return pypiRef(args, 0, UV_VALUE_OPTIONS, ['--from']);
  if (launcher === 'uv') {
    const tool = args.indexOf('tool');
    if (tool >= 0 && args[tool + 1] === 'run')
      return pypiRef(args, tool + 2, UV_VALUE_OPTIONS, ['--from']);
    return undefined;
  }
  if (launcher === 'pipx') {
    const run = args.indexOf('run');
    if (run < 0) return undefined;
    return pypiRef(args, run + 1, PIPX_VALUE_OPTIONS, ['--spec']);
  }
  if (dockerImageIndex !== undefined) {
    const spec = ociSpec(args[dockerImageIndex]);
    return spec
      ? {
          ecosystem: 'oci',
          spec: args[dockerImageIndex],
          argIndex: dockerImageIndex,
          ...spec,
        }
      : undefined;
  }
  return undefined;
}
