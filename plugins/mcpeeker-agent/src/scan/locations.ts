import path from 'node:path';
import {
  Base,
  CLIENTS,
  ClientDefinition,
  ClientLocation,
  ConfigFormat,
  Platform,
  VSCODE_FLAVOURS,
} from './clientTable';

export interface ScanTarget {
  /** The user's home to read, e.g. `--home`. */
  home: string;
  platform: Platform;
  /**
   * Environment that moves the bases (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`,
   * `APPDATA`, `LOCALAPPDATA`, `ProgramData`, `ProgramFiles`). Only the real
   * user's environment applies: a scan of another home (`--home`) derives
   * every base from that home.
   */
  env: Record<string, string | undefined>;
  /** Machine-wide managed folder; default per platform (`/etc`, `/Library/Application Support`, `C:\ProgramData`). */
  managedDir?: string;
  /**
   * Where the machine's own folders are (`--system-root`, a mounted disk):
   * `/etc`, `/Library/Application Support`, `ProgramData`, `Program Files`
   * and `/app` are read under it. `managedDir` still wins for `managed`.
   */
  systemRoot?: string;
}

/** The directories each base stands for on the scanned platform. */
export function resolveBases(
  target: ScanTarget,
): Record<Exclude<Base, 'project'>, string[]> {
  const { home, platform, env, systemRoot } = target;
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const xdgData = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const appData = env.APPDATA || path.join(home, 'AppData', 'Roaming');
  const localAppData = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  const system = (fallback: string, ...below: string[]) =>
    systemRoot ? path.join(systemRoot, ...below) : fallback;
  let appSupport: string;
  let managed: string;
  if (platform === 'darwin') {
    appSupport = path.join(home, 'Library', 'Application Support');
    managed = system(
      '/Library/Application Support',
      'Library',
      'Application Support',
    );
  } else if (platform === 'win32') {
    appSupport = appData;
    managed = system(
      env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData',
      'ProgramData',
    );
  } else {
    appSupport = xdg;
    managed = system('/etc', 'etc');
  }
  const windows = platform === 'win32';
  return {
    home: [home],
    appSupport: [appSupport],
    xdgConfig: [windows ? appData : xdg],
    dotConfig: [xdg],
    xdgData: windows ? [] : [xdgData],
    localAppData: windows ? [localAppData] : [],
    vscodeUser: VSCODE_FLAVOURS.map(flavour =>
      path.join(appSupport, flavour, 'User'),
    ),
    managed: [target.managedDir ?? managed],
    etc: windows ? [] : [system('/etc', 'etc')],
    programFiles: windows
      ? [
          system(
            env.ProgramFiles || env.PROGRAMFILES || 'C:\\Program Files',
            'Program Files',
          ),
        ]
      : [],
    systemRoot: [system(windows ? 'C:\\' : '/')],
  };
}

export interface PlannedLocation {
  client: ClientDefinition;
  location: ClientLocation;
  /** Absolute path, possibly with glob segments still to expand. */
  pattern: string[];
}

export const appliesTo = (location: ClientLocation, platform: Platform) =>
  !location.platforms || location.platforms.includes(platform);

/** Files of each format, for a last path segment that is only `*`. */
export const FORMAT_EXTENSIONS: Record<ConfigFormat, RegExp> = {
  json: /\.jsonc?$/i,
  json5: /\.json5?$/i,
  yaml: /\.ya?ml$/i,
  toml: /\.toml$/i,
  xml: /\.xml$/i,
  properties: /\.(prefs|properties)$/i,
  crushrc: /(^|[\\/])\.?crushrc$/,
};

/** Whether a path segment is a pattern (`*`, `{a,b}`) rather than a name. */
export const isGlob = (segment: string) => /[*{]/.test(segment);

const globCache = new Map<string, RegExp>();

/** A segment pattern as a regular expression over one file name. */
export function segmentPattern(segment: string): RegExp {
  let pattern = globCache.get(segment);
  if (!pattern) {
    let source = '';
    let inBraces = false;
    for (const char of segment) {
      if (char === '*') source += '.*';
      else if (char === '{' && !inBraces) {
        source += '(?:';
        inBraces = true;
      } else if (char === '}' && inBraces) {
        source += ')';
        inBraces = false;
      } else if (char === ',' && inBraces) source += '|';
      else source += char.replace(/[.+?^$()|[\]\\]/g, '\\$&');
    }
    pattern = new RegExp(`^${source}$`);
    globCache.set(segment, pattern);
  }
  return pattern;
}

/**
 * Whether a file name matches a location's segment: the same name, or the
 * pattern; a last segment that is only `*` takes the files of the format.
 */
export function segmentMatches(
  segment: string,
  name: string,
  last: { format: ConfigFormat } | undefined,
): boolean {
  if (segment === name) return true;
  if (!isGlob(segment)) return false;
  if (segment === '*' && last) return FORMAT_EXTENSIONS[last.format].test(name);
  return segmentPattern(segment).test(name);
}

/** Every user and managed config location of every client on this platform, shared ones left out. */
export function planHostLocations(target: ScanTarget): PlannedLocation[] {
  const bases = resolveBases(target);
  const planned: PlannedLocation[] = [];
  for (const client of CLIENTS) {
    for (const location of client.locations) {
      if (
        location.base === 'project' ||
        location.sharedWith ||
        !appliesTo(location, target.platform)
      )
        continue;
      for (const base of bases[location.base]) {
        planned.push({ client, location, pattern: [base, ...location.path] });
      }
    }
  }
  return planned;
}

/** Every project-scope location, relative to a project directory, shared ones left out. */
export function projectLocations(
  platform: Platform,
): Array<{ client: ClientDefinition; location: ClientLocation }> {
  return CLIENTS.flatMap(client =>
    client.locations
      .filter(
        l => l.base === 'project' && !l.sharedWith && appliesTo(l, platform),
      )
      .map(location => ({ client, location })),
  );
}
