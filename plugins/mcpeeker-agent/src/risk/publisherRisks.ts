import { registryAdvice } from '@mcpeeker/plugin-mcpeeker-common';
import { parseDockerRun } from './dockerRun';
import { packageRef } from './packageRef';
import type { RegistryIndex } from './mcpRegistry';
import { isLoopbackHost } from './remoteRisks';
import { EntryContext, FoundFact, riskFact } from './riskFact';

/**
 * `unknown-publisher`: a package the entry runs that is not in the registry
 * snapshot, or a remote host that is neither there nor among the known
 * public MCP endpoints. Local scripts and binaries have no publisher to look
 * up and get no fact.
 */
export function publisherRisks(
  { server }: EntryContext,
  registry: RegistryIndex,
): FoundFact[] {
  const { date } = registry.snapshot;
  if (server.url) {
    let host: string;
    try {
      host = new URL(server.url).hostname;
    } catch {
      return [];
    }
    if (!host || isLoopbackHost(host) || registry.knowsHost(host)) return [];
    return [
      riskFact(
        'unknown-publisher',
        `the remote host ${host} is not in the MCP registry snapshot of ${date} nor among the known public MCP endpoints`,
        {
          fix: `Check who operates ${host} before sending it data; if your organisation runs or trusts it, ${registryAdvice(
            server.serverName,
          )}.`,
          at: server.paths.url,
        },
      ),
    ];
  }
  const run = parseDockerRun(server.command, server.args);
  const ref = packageRef(server.command, server.args, run?.imageIndex);
  if (!ref || registry.knowsPackage(ref)) return [];
  const what = ref.ecosystem === 'oci' ? 'image' : `${ref.ecosystem} package`;
  return [
    riskFact(
      'unknown-publisher',
      `the ${what} ${ref.name} is not in the MCP registry snapshot of ${date}`,
      {
        fix: `Check who publishes ${
          ref.name
        } (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry, or ${registryAdvice(
          server.serverName,
        )}.`,
        at: server.paths.args[ref.argIndex],
      },
    ),
  ];
}
