import os from 'node:os';
import { EVENT_SCHEMA_VERSION } from '@mcpeeker/plugin-mcpeeker-common';
import packageJson from '../../package.json';
import type { Platform } from './clientTable';
import {
  Detection as ConfigOrManifestDetection,
  scanConfigs,
  ScanError,
} from './scanConfigs';
import { PortDetection, scanPorts } from './scanPorts';
import { ProcessDetection, scanProcesses } from './scanProcesses';
import { linkProcessesToConfigs } from './linkProcesses';
import { groupServers } from './groupServers';
import { loadRegistrySnapshot, RegistryIndex } from '../risk/mcpRegistry';

export type Detection =
  | ConfigOrManifestDetection
  | ProcessDetection
  | PortDetection;

/** Everything one scan found, as `scan --format json` prints it. */
export interface ScanReport {
  schemaVersion: string;
  agentVersion: string;
  scannedAt: string;
  host: { idHash: string; os: Platform };
  detections: Detection[];
  errors: ScanError[];
  skipped: Array<{ layer: string; reason: string }>;
  stats: { filesRead: number; directoriesWalked: number; durationMs: number };
  /** The MCP registry snapshot the unknown-publisher facts were decided with. */
  registrySnapshot: { date: string; servers: number; source: string };
}

export interface ScanEndpointOptions {
  platform: Platform;
  hostIdHash: string;
  salt: string;
  /** Another user's home to read (`--home`); default: this user's, with this user's environment. */
  home?: string;
  env: Record<string, string | undefined>;
  managedDir?: string;
  /** The machine's own folders are read under it (`--system-root`). */
  systemRoot?: string;
  roots: string[];
  processes: boolean;
  ports: boolean;
  onlyPorts?: number[];
  onProgress?: (progress: { directories: number; files: number }) => void;
  /** Check only these config files and folders (`scan --config`): no home, no processes, no ports. */
  only?: string[];
  /** The registry snapshot for unknown-publisher; the shipped one by default. */
  registry?: RegistryIndex;
}

/** One scan of every layer the agent reads: configs and manifests, processes, ports. */
export async function scanEndpoint(
  options: ScanEndpointOptions,
): Promise<ScanReport> {
  const started = Date.now();
  const { platform, hostIdHash, salt } = options;
  const registry =
    options.registry ?? new RegistryIndex(loadRegistrySnapshot());
  const result = await scanConfigs({
    home: options.home ?? os.homedir(),
    platform,
    // Another home's locations derive from that home, not from this user's environment.
    env: options.home ? {} : options.env,
    managedDir: options.managedDir,
    systemRoot: options.systemRoot,
    roots: options.roots,
    hostIdHash,
    salt,
    onProgress: options.onProgress,
    only: options.only,
    registry,
  });
  const skipped: ScanReport['skipped'] = [];
  const detections: Detection[] = [...result.detections];
  let parents = new Map<number, number>();
  if (options.processes && !options.only) {
    const processes = await scanProcesses({ platform, hostIdHash, salt });
    if ('skipped' in processes)
      skipped.push({ layer: 'processes', reason: processes.skipped });
    else {
      detections.push(...processes.detections);
      parents = processes.parents;
    }
  }
  const processDetections = detections.filter(
    (d): d is ProcessDetection => d.source === 'process',
  );
  linkProcessesToConfigs(
    processDetections,
    detections.filter(
      (d): d is ConfigOrManifestDetection & { source: 'config' } =>
        d.source === 'config',
    ),
  );
  if (options.ports && !options.only) {
    const ports = await scanPorts({
      platform,
      hostIdHash,
      salt,
      onlyPorts: options.onlyPorts,
    });
    if ('skipped' in ports)
      skipped.push({ layer: 'ports', reason: ports.skipped });
    else detections.push(...ports.detections);
  }
  // One server, one id: a config entry, the wrapper it starts, the server below, its port.
  groupServers(detections, parents).forEach((id, i) => {
    detections[i].compositeId = id;
  });
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    agentVersion: packageJson.version,
    scannedAt: new Date(started).toISOString(),
    host: { idHash: hostIdHash, os: platform },
    detections,
    errors: result.errors,
    skipped,
    stats: { ...result.stats, durationMs: Date.now() - started },
    registrySnapshot: {
      date: registry.snapshot.date,
      servers: registry.snapshot.servers,
      source: registry.snapshot.source,
    },
  };
}
