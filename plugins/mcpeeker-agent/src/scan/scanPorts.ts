import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  compositeId,
  redactSecrets,
  RiskFact,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Platform } from './clientTable';
import { currentPlatform } from '../host';
import {
  ListeningPort,
  listLinuxListeningPorts,
  loopbackOriginOf,
  NON_HTTP_PORTS,
  parseLsofListen,
  parseNetstatListening,
} from './listeningPorts';
import { HandshakeResult, probeOrigin } from './mcpHandshake';
import { settleFacts } from '../risk/configRisks';

const run = promisify(execFile);
const PROBE_TIMEOUT_MS = 1500;
const CONCURRENCY = 8;

export interface PortDetection extends Omit<HandshakeResult, 'risks'> {
  source: 'port';
  /** What the tool list shows the server can do: tool poisoning, shell tools. */
  risks?: RiskFact[];
  port: number;
  pid?: number;
  compositeId: string;
}

async function listListening(platform: Platform): Promise<ListeningPort[]> {
  if (platform === 'linux') return listLinuxListeningPorts();
  if (platform === 'darwin') {
    const { stdout } = await run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return parseLsofListen(stdout);
  }
  const v4 = await run('netstat', ['-ano', '-p', 'TCP'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const v6 = await run('netstat', ['-ano', '-p', 'TCPv6'], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch(() => ({ stdout: '' }));
  return [
    ...parseNetstatListening(v4.stdout),
    ...parseNetstatListening(v6.stdout),
  ];
}

/**
 * MCP servers listening on this host: every listening TCP port bound to a
 * wildcard or loopback address (except ports of known non-HTTP protocols) is
 * asked for an MCP handshake over loopback — Streamable HTTP on the usual
 * paths, then legacy SSE. Only `initialize` and `tools/list`; never a tool call.
 */
export async function scanPorts(options: {
  platform: Platform;
  hostIdHash: string;
  salt: string;
  /** Only these ports (tests, or an operator narrowing the probe). */
  onlyPorts?: number[];
}): Promise<
  { detections: PortDetection[]; probed: number } | { skipped: string }
> {
  if (options.platform !== currentPlatform()) {
    return {
      skipped: `ports are only probed on the running OS (${currentPlatform()})`,
    };
  }
  let listening: ListeningPort[];
  try {
    listening = await listListening(options.platform);
  } catch (error) {
    return {
      skipped: `the listening ports could not be read: ${
        (error as Error).message
      }`,
    };
  }
  const byOrigin = new Map<string, ListeningPort>();
  for (const socket of listening) {
    if (NON_HTTP_PORTS.has(socket.port)) continue;
    if (options.onlyPorts && !options.onlyPorts.includes(socket.port)) continue;
    const origin = loopbackOriginOf(socket);
    if (origin && !byOrigin.has(origin)) byOrigin.set(origin, socket);
  }
  // One port bound on both 0.0.0.0 and :: is one server: probe IPv4 first, skip the twin when found.
  const queue = [...byOrigin.entries()].sort(
    ([a], [b]) => (a.includes('[') ? 1 : 0) - (b.includes('[') ? 1 : 0),
  );
  const detections: PortDetection[] = [];
  const foundPorts = new Set<number>();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [origin, socket] = next;
      if (foundPorts.has(socket.port)) continue;
      const result = await probeOrigin(origin, PROBE_TIMEOUT_MS);
      if (!result || foundPorts.has(socket.port)) continue;
      foundPorts.add(socket.port);
      const url = redactSecrets(result.url, { salt: options.salt }).value;
      const { risks, ...described } = result;
      detections.push({
        source: 'port',
        ...described,
        ...(risks ? { risks: settleFacts(risks, options.salt) } : {}),
        url,
        port: socket.port,
        ...(socket.pid ? { pid: socket.pid } : {}),
        compositeId: compositeId({
          hostIdHash: options.hostIdHash,
          port: socket.port,
        }),
      });
    }
  };
  const probed = queue.length;
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  detections.sort((a, b) => a.port - b.port);
  return { detections, probed };
}
