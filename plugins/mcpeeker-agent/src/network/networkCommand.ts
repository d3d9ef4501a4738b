import fs from 'node:fs';
import path from 'node:path';
import { hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import packageJson from '../../package.json';
import type { CliIo } from '../cli';
import {
  forEachOption,
  sensorName,
  unknownArgument,
  UsageError,
} from '../cliOptions';
import { readHostId } from '../host';
import { AgentConfigError, loadAgentConfig } from '../run/agentConfig';
import { layerPublisher } from '../run/layerPublisher';
import type { Publisher } from '../run/publisher';
import {
  NetworkLogSource,
  readNetworkLogs,
  zeekFilesIn,
} from './logs/readNetworkLogs';
import {
  captureTraffic,
  hostAddressForLoopback,
} from './capture/captureTraffic';
import type { CaptureSource } from './capture/tsharkFrames';
import {
  readRemoteHostsFile,
  RemoteHostList,
  RemoteHostsFileError,
} from './remoteHosts';

export const NETWORK_USAGE = `Options of network:
  --zeek DIR|FILE|-             Zeek logs (TSV or JSON): a folder's conn, http,
                                ssl, dns and mcp logs, one log file, or - for
                                stdin (repeatable)
  --eve FILE|-                  Suricata EVE JSON: a file, or - for stdin
                                (repeatable)
  --interface IFACE             Watch HTTP on a network interface live with tshark
                                (root, or a member of the wireshark group), until
                                SIGINT or SIGTERM
  --read FILE                   Read a capture file (pcap, pcapng) with tshark
  --capture-filter EXPR         What --interface captures, as a BPF filter
                                (default: tcp or udp port 53)
  --hosts FILE                  The organisation's remote MCP servers, beside the
                                list shipped with the agent: URLs or hosts, one a
                                line, or JSON (see docs/network.md)
  --follow                      Keep reading what is appended, through rotation
                                and truncation, until SIGINT or SIGTERM; a
                                checkpoint per file (in the spool folder) lets a
                                restart go on where it stopped
  --send                        Send the events to MCPeeker the way run reports
                                (service token or NATS, on <prefix>.network.<sensor>),
                                through a spool, instead of printing them
  --format jsonl|json           Print one event a line (default), or one JSON
                                document {"events":[…]} at the end
  --config FILE                 The run config: salt, report, spool
  --sensor NAME                 The events' sensor id (default zeek-<host>,
                                suricata-<host> or tshark-<host>: first 16 hex of
                                the host id hash)
`;

/**
 * Where the network command's options go. The live sources (a capture
 * interface, a pcap file) are further sources of the same command: each
 * adds its option to `parseNetworkArgs` and its reader beside the logs'.
 */
export interface NetworkArgs {
  sources: NetworkLogSource[];
  hostsFiles: string[];
  follow: boolean;
  send: boolean;
  format: 'jsonl' | 'json';
  config?: string;
  sensor?: string;
  /** `--interface` or `--read`: tshark reads the traffic itself. */
  capture?: CaptureSource;
  captureFilter?: string;
}

export function parseNetworkArgs(args: string[]): NetworkArgs {
  const parsed: NetworkArgs = {
    sources: [],
    hostsFiles: [],
    follow: false,
    send: false,
    format: 'jsonl',
  };
  forEachOption(args, (arg, name, value) => {
    switch (name) {
      case '--zeek':
        parsed.sources.push({ kind: 'zeek', file: value() });
        break;
      case '--eve':
        parsed.sources.push({ kind: 'eve', file: value() });
        break;
      case '--interface':
      case '--read': {
        if (parsed.capture)
          throw new UsageError('give one of --interface and --read, once');
        const given = value();
        parsed.capture =
          name === '--read' ? { read: given } : { interface: given };
        break;
      }
      case '--capture-filter':
        parsed.captureFilter = value();
        break;
      case '--hosts':
        parsed.hostsFiles.push(value());
        break;
      case '--follow':
        parsed.follow = true;
        break;
      case '--send':
        parsed.send = true;
        break;
      case '--format': {
        const format = value();
        if (format !== 'jsonl' && format !== 'json')
          throw new UsageError(
            `--format must be jsonl or json, got '${format}'`,
          );
        parsed.format = format;
        break;
      }
      case '--config':
        parsed.config = value();
        break;
      case '--sensor':
        parsed.sensor = sensorName(value(), '--sensor');
        break;
      default:
        throw unknownArgument(arg, 'network');
    }
  });
  if (parsed.capture) {
    if (parsed.sources.length > 0)
      throw new UsageError(
        '--interface and --read capture on their own: not with --zeek or --eve',
      );
    if (parsed.follow)
      throw new UsageError(
        '--follow is for logs: --interface watches until SIGINT or SIGTERM',
      );
    if (parsed.captureFilter !== undefined && 'read' in parsed.capture)
      throw new UsageError('--capture-filter goes with --interface');
    return parsed;
  }
  if (parsed.sources.length === 0)
    throw new UsageError(
      'network needs something to read: --zeek DIR|FILE|-, --eve FILE|-, --interface IFACE or --read FILE',
    );
  if (parsed.sources.filter(s => s.file === '-').length > 1)
    throw new UsageError('only one of --zeek and --eve can read stdin (-)');
  if (parsed.follow && parsed.format === 'json' && !parsed.send)
    throw new UsageError(
      '--format json prints one document when the logs end: use jsonl (the default) with --follow',
    );
  return parsed;
}

/** A `--zeek` folder becomes its log files; a file that is not there is a usage error (unless followed). */
function expandSources(options: NetworkArgs): NetworkLogSource[] {
  const sources: NetworkLogSource[] = [];
  for (const source of options.sources) {
    if (source.file === '-') {
      sources.push(source);
      continue;
    }
    const option = `--${source.kind}`;
    let stat;
    try {
      stat = fs.statSync(source.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Following waits for a log that is not there yet, as tail -F does.
      if (options.follow && code === 'ENOENT') {
        sources.push(source);
        continue;
      }
      throw new UsageError(
        `${option} ${source.file}: cannot be read (${code})`,
        false,
      );
    }
    if (stat.isDirectory()) {
      if (source.kind === 'eve')
        throw new UsageError(
          `--eve ${source.file}: a folder, not a file`,
          false,
        );
      const files = zeekFilesIn(source.file, options.follow);
      if (files.length === 0)
        throw new UsageError(
          `--zeek ${source.file}: no conn, http, ssl, dns or mcp log in it`,
          false,
        );
      sources.push(...files.map(file => ({ kind: 'zeek' as const, file })));
    } else sources.push(source);
  }
  return sources;
}

/** A `--read` file must be there: tshark's own error would say less. */
function readableCapture(file: string): void {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--read ${file}: cannot be read (${code})`, false);
  }
  if (stat.isDirectory())
    throw new UsageError(`--read ${file}: a folder, not a capture file`, false);
}

/** `network`: Zeek and Suricata logs, or HTTP tshark reads off an interface or a capture file → network events, printed or sent. */
export async function network(args: string[], io: CliIo): Promise<number> {
  const options = parseNetworkArgs(args);
  const capture = options.capture;
  if (capture && 'read' in capture) readableCapture(capture.read);
  const sources = capture ? [] : expandSources(options);
  const env = io.env ?? process.env;
  let config;
  try {
    config = loadAgentConfig(options.config, env, {
      requireReportCredentials: options.send,
      useAgentCredential: false,
    });
  } catch (error) {
    if (error instanceof AgentConfigError)
      throw new UsageError(error.message, false);
    throw error;
  }
  let hosts = RemoteHostList.shipped();
  try {
    for (const file of options.hostsFiles)
      hosts = hosts.with(readRemoteHostsFile(file));
  } catch (error) {
    if (error instanceof RemoteHostsFileError)
      throw new UsageError(error.message, false);
    throw error;
  }
  const following = options.follow && sources.some(s => s.file !== '-');
  const log = (line: string) =>
    io.stderr(
      `mcpeeker-agent: ${
        following ? `${new Date().toISOString()} ` : ''
      }network: ${line}\n`,
    );
  if (config.saltIsDevelopmentDefault)
    log('MCPEEKER_HOST_ID_SALT is not set: using the development salt');
  let publisher: Publisher | undefined;
  if (options.send) {
    try {
      publisher = layerPublisher(config, 'network', log);
    } catch (error) {
      throw new UsageError((error as Error).message, false);
    }
  }
  const host = hashIdentifier(readHostId(), config.salt).slice(0, 16);
  const sensor = (kind: 'zeek' | 'suricata' | 'tshark') => ({
    salt: config.salt,
    sensor: {
      id: options.sensor ?? `${kind}-${host}`,
      kind,
      version: packageJson.version,
    },
  });
  if (capture)
    return captureTraffic({
      source: capture,
      captureFilter: options.captureFilter,
      tshark: env.MCPEEKER_TSHARK || undefined,
      // What is captured here is this host's: its loopback is this host.
      hostAddress:
        'interface' in capture ? hostAddressForLoopback() : undefined,
      context: sensor('tshark'),
      hosts,
      publisher,
      format: options.format,
      stdout: io.stdout,
      log,
    });
  return readNetworkLogs({
    sources,
    follow: options.follow,
    hosts,
    contexts: { zeek: sensor('zeek'), eve: sensor('suricata') },
    checkpointDir: path.join(config.spool.dir, 'network-checkpoints'),
    publisher,
    format: options.format,
    stdout: io.stdout,
    log,
    stdin: io.stdin,
  });
}
