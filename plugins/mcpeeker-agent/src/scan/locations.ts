import path from 'node:path';
import {
  Base,
  CLIENTS,
  ClientDefinition,
  ClientLocation,
  Platform,
  VSCODE_FLAVOURS,
} from './clientTable';

export interface ScanTarget {
  /** The user's home to read, e.g. `--home`. */
  home: string;
  platform: Platform;
  /**
   * Environment that moves the bases (`XDG_CONFIG_HOME`, `APPDATA`,
   * `LOCALAPPDATA`, `ProgramData`). Only the real user's environment applies:
   * a scan of another home (`--home`) derives every base from that home.
   */
  env: Record<string, string | undefined>;
  /** Machine-wide managed folder; default per platform (`/etc`, `/Library/Application Support`, `C:\ProgramData`). */
  managedDir?: string;
}

/** The directories each base stands for on the scanned platform. */
export function resolveBases(
  target: ScanTarget,
): Record<Exclude<Base, 'project'>, string[]> {
  const { home, platform, env } = target;
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const appData = env.APPDATA || path.join(home, 'AppData', 'Roaming');
  const localAppData = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  let appSupport: string;
  let managed: string;
  if (platform === 'darwin') {
    appSupport = path.join(home, 'Library', 'Application Support');
    managed = '/Library/Application Support';
  } else if (platform === 'win32') {
    appSupport = appData;
    managed = env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData';
  } else {
    appSupport = xdg;
    managed = '/etc';
  }
  return {
    home: [home],
    appSupport: [appSupport],
    xdgConfig: [platform === 'win32' ? appData : xdg],
    localAppData: platform === 'win32' ? [localAppData] : [],
    vscodeUser: VSCODE_FLAVOURS.map(flavour =>
      path.join(appSupport, flavour, 'User'),
    ),
    managed: [target.managedDir ?? managed],
  };
}

export interface PlannedLocation {
  client: ClientDefinition;
  location: ClientLocation;
  /** Absolute path, possibly with `*` segments still to expand. */
  pattern: string[];
}

const appliesTo = (location: ClientLocation, platform: Platform) =>
  !location.platforms || location.platforms.includes(platform);

/** Every user and managed config location of every client on this platform. */
export function planHostLocations(target: ScanTarget): PlannedLocation[] {
  const bases = resolveBases(target);
  const planned: PlannedLocation[] = [];
  for (const client of CLIENTS) {
    for (const location of client.locations) {
      if (location.base === 'project' || !appliesTo(location, target.platform))
        continue;
      for (const base of bases[location.base]) {
        planned.push({ client, location, pattern: [base, ...location.path] });
      }
    }
  }
  return planned;
}

/** Every project-scope location, relative to a project directory. */
export function projectLocations(
  platform: Platform,
): Array<{ client: ClientDefinition; location: ClientLocation }> {
  return CLIENTS.flatMap(client =>
    client.locations
      .filter(l => l.base === 'project' && appliesTo(l, platform))
      .map(location => ({ client, location })),
  );
}
