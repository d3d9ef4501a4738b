import type { ConfigDetection, ManifestDetection } from './scanConfigs';
import type { PortDetection } from './scanPorts';
import type { ProcessDetection } from './scanProcesses';

type Detection =
  | ConfigDetection
  | ManifestDetection
  | ProcessDetection
  | PortDetection;

/** How far up a parent chain a wrapper or the server owning a port is looked for. */
const MAX_DEPTH = 32;

const refKey = (r: {
  client: string;
  serverName: string;
  configPath: string;
}) => JSON.stringify([r.client, r.serverName, r.configPath]);

/**
 * Which detections of one host are one server, as the composite id each
 * should carry (same order as `detections`):
 *
 * - a process and the MCP-server processes above and below it in its parent
 *   chain (through processes that are no server, like `sh -c`): a wrapper
 *   (`npm exec`, `npx`, `uvx`, `pipx run`, `docker run`) and the server it
 *   starts. A process with several servers of different ids below it is a
 *   gateway, not a wrapper: they stay apart;
 * - a listening port and the process owning it, or the nearest server
 *   process above the listener;
 * - a config entry and the processes whose `configRef` names it.
 *
 * A group's id is, most durable first: its config entry's, else its
 * outermost process's (the wrapper's), else its port's. A group that would
 * join config entries of different ids is not joined: each process takes the
 * id of the entry its `configRef` names, the others that of the nearest such
 * process. Config and manifest detections keep their ids.
 *
 * `parents` maps every listed process's pid to its parent's; the
 * detections' own `ppid`s stand in for it.
 */
export function groupServers(
  detections: Detection[],
  parents: ReadonlyMap<number, number> = new Map(),
): string[] {
  const ids = detections.map(d => d.compositeId);
  const procs: number[] = [];
  const procByPid = new Map<number, number>();
  detections.forEach((d, i) => {
    if (d.source !== 'process') return;
    procs.push(i);
    procByPid.set(d.pid, i);
  });
  const parentOf = (pid: number) =>
    parents.get(pid) ??
    (detections[procByPid.get(pid) ?? -1] as ProcessDetection | undefined)
      ?.ppid;
  /** The nearest server process at or above `pid` (`self`: `pid` itself counts). */
  const nearestServer = (pid: number, self: boolean): number | undefined => {
    const seen = new Set<number>();
    let current: number | undefined = self ? pid : parentOf(pid);
    for (let depth = 0; current !== undefined && depth < MAX_DEPTH; depth++) {
      if (seen.has(current)) return undefined;
      seen.add(current);
      const found = procByPid.get(current);
      if (found !== undefined) return found;
      if (current <= 0) return undefined;
      current = parentOf(current);
    }
    return undefined;
  };

  // Union-find over detection indexes.
  const root = detections.map((_, i) => i);
  const find = (start: number): number => {
    let i = start;
    while (root[i] !== i) {
      root[i] = root[root[i]];
      i = root[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    root[find(a)] = find(b);
  };

  // A wrapper and the server below it.
  const below = new Map<number, number[]>();
  for (const i of procs) {
    const above = nearestServer((detections[i] as ProcessDetection).pid, false);
    if (above === undefined || above === i) continue;
    below.set(above, [...(below.get(above) ?? []), i]);
  }
  const up = new Map<number, number>();
  const down = new Map<number, number[]>();
  for (const [above, children] of below) {
    if (new Set(children.map(c => detections[c].compositeId)).size > 1) {
      continue;
    }
    for (const child of children) {
      union(child, above);
      up.set(child, above);
    }
    down.set(above, children);
  }

  // A port and the server listening on it.
  const portOwner = new Map<number, number>();
  detections.forEach((d, i) => {
    if (d.source !== 'port' || d.pid === undefined) return;
    const owner = nearestServer(d.pid, true);
    if (owner === undefined) return;
    union(i, owner);
    portOwner.set(i, owner);
  });

  // A process and the config entry it was started from.
  const configIdByRef = new Map<string, string>();
  for (const d of detections) {
    if (d.source !== 'config') continue;
    const key = refKey(d);
    if (!configIdByRef.has(key)) configIdByRef.set(key, d.compositeId);
  }
  const configIdOf = (i: number) => {
    const ref = (detections[i] as ProcessDetection).configRef;
    return ref && configIdByRef.get(refKey(ref));
  };

  const groups = new Map<number, number[]>();
  detections.forEach((d, i) => {
    if (d.source !== 'process' && d.source !== 'port') return;
    const g = find(i);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  for (const members of groups.values()) {
    const processes = members.filter(i => detections[i].source === 'process');
    const configIds = new Set(
      processes.map(configIdOf).filter((id): id is string => id !== undefined),
    );
    if (configIds.size === 1) {
      const [id] = configIds;
      for (const i of members) ids[i] = id;
      continue;
    }
    if (configIds.size === 0) {
      const outermost = processes.find(i => !up.has(i));
      const port = members.find(i => detections[i].source === 'port');
      const id = detections[outermost ?? port ?? members[0]].compositeId;
      for (const i of members) ids[i] = id;
      continue;
    }
    // Config entries of different ids: each process with the id its configRef names.
    const labelOf = (start: number): string | undefined => {
      for (let i: number | undefined = start; i !== undefined; i = up.get(i)) {
        const id = configIdOf(i);
        if (id) return id;
      }
      const queue = [start];
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const id = configIdOf(i);
        if (id) return id;
        queue.push(...(down.get(i) ?? []));
      }
      return undefined;
    };
    const outermost = processes.find(i => !up.has(i))!;
    for (const i of members) {
      const proc = portOwner.get(i) ?? i;
      ids[i] = labelOf(proc) ?? labelOf(outermost) ?? ids[i];
    }
  }
  return ids;
}
