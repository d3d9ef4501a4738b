import { commandTarget } from '@mcpeeker/plugin-mcpeeker-common';
import type { ConfigDetection } from './scanConfigs';
import type { ProcessDetection } from './scanProcesses';

/** Shorter targets (`thv`, `uv`) would match unrelated command lines. */
const MIN_TARGET_LENGTH = 4;

/** Names, on each running server, the config entry it was started from. */
export function linkProcessesToConfigs(
  processes: ProcessDetection[],
  configs: ConfigDetection[],
): void {
  const keyed = configs
    .filter(c => c.command !== undefined && !c.disabled)
    .map(c => ({ config: c, key: commandTarget(c.command!, c.args) }))
    .filter(
      (k): k is { config: ConfigDetection; key: string } =>
        k.key !== undefined && k.key.length >= MIN_TARGET_LENGTH,
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
