import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DEVELOPMENT_HOST_ID_SALT,
  EVENT_SCHEMA_VERSION,
  hashIdentifier,
  RISK_SEVERITIES,
  RiskSeverity,
  severityAtLeast,
} from '@mcpeeker/plugin-mcpeeker-common';
import packageJson from '../package.json';
import { currentPlatform, readHostId } from './host';
import type { Platform } from './scan/clientTable';
import { formatScanTable } from './scan/formatScanTable';
import { scanEndpoint } from './scan/scanEndpoint';
import { AgentConfigError, loadAgentConfig } from './run/agentConfig';
import { Agent, runDaemon, transportFor } from './run/runAgent';
import { writeAgentCredential } from './run/agentCredential';
import { Publisher } from './run/publisher';
import { layerPublisher } from './run/layerPublisher';
import { readGatewayLog } from './gateway/readGatewayLog';
import { LOG_FORMATS, LogFormat } from './gateway/readLogLine';
import {
  existingDirectory,
  forEachOption,
  sensorName,
  SYSTEM_ROOT_OPTION,
  unknownArgument,
  UsageError,
} from './cliOptions';
import { network, NETWORK_USAGE } from './network/networkCommand';
import { policy, POLICY_USAGE } from './policy/policyCommand';
import { portalFetch } from './run/portalFetch';
import { scanToSarif } from './risk/riskSarif';
import {
  buildRegistrySnapshot,
  loadRegistrySnapshot,
  RegistryExportError,
  RegistryIndex,
} from './risk/mcpRegistry';
import { plural } from './plural';

/** Where the CLI writes and what it knows of its surroundings, so tests can stand in. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (table by default, progress on stderr). */
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** What `gateway --read -` reads (default: the process's stdin). */
  stdin?: Readable;
}

/** The commands, in the order the help lists them: what each does, and its options' section. */
const COMMANDS: { name: string; summary: string }[] = [
  { name: 'scan', summary: 'Scan once and print what was found' },
  {
    name: 'run',
    summary: `Scan now and on an interval, and report to MCPeeker
             (--config FILE, --once; see docs/agent.md)`,
  },
  {
    name: 'enrol',
    summary: `Exchange an enrolment secret for this agent's own credential
             (--url URL, --secret SECRET or MCPEEKER_ENROLMENT_SECRET,
             --config FILE); run then reports with it`,
  },
  {
    name: 'gateway',
    summary: `Read an LLM gateway's request log into gateway events: print
             them as JSON lines, or --send them to MCPeeker (docs/gateway.md)`,
  },
  {
    name: 'network',
    summary: `Read Zeek logs and Suricata EVE JSON, or watch HTTP with tshark
             (an interface, a capture file), into network events: print
             them, or --send them to MCPeeker (docs/network.md)`,
  },
  {
    name: 'policy',
    summary: `Write each MCP client's managed policy (Claude Code, VS Code)
             from the portal's approved servers: an allowlist, optionally
             nothing else (--deny-others); --dry-run shows the diff`,
  },
  {
    name: 'registry-snapshot',
    summary: `Build the offline MCP registry snapshot (unknown-publisher)
             from a server.json export: --from FILE [--out FILE]`,
  },
];

const OPTIONS: Record<string, string> = {
  enrol: `Options of enrol:
  --url URL                     The portal backend's MCPeeker base, e.g.
                                http://localhost:7007/api/mcpeeker
  --secret SECRET               The enrolment secret an admin issued (better:
                                MCPEEKER_ENROLMENT_SECRET, which ps does not show)
  --config FILE                 The run config: salt and credentialFile (default
                                <spool dir>/agent-credential, mode 0600)
`,
  gateway: `Options of gateway:
  --read FILE|-                 The log, one request a line: a file, or - for stdin
  --format auto|anthropic|openai|litellm
                                What its lines are: Anthropic Messages requests,
                                OpenAI chat completions requests, LiteLLM's
                                StandardLoggingPayload (default auto: line by line)
  --follow                      Keep reading what is appended, through rotation
                                and truncation, until SIGINT or SIGTERM
  --send                        Send the events to MCPeeker the way run reports
                                (report.* of the config: service token or NATS),
                                through a spool, instead of printing them
  --config FILE                 The run config: salt, report, spool
  --gateway NAME                The gateway's name, the events' sensor id
                                (default gateway-<first 16 hex of the host id hash>)
`,
  run: `Options of run:
  --config FILE                 The run config (YAML): owner, interval, roots,
                                report, spool, salt (default: the environment,
                                MCPEEKER_HTTP_URL and the others, see docs/agent.md)
  --once                        Scan, send, and exit (cron, a login hook)
${SYSTEM_ROOT_OPTION.usage}`,
  scan: `Options of scan:
  --home DIR                    Treat DIR as the user's home (default: your home)
  --platform linux|darwin|win32 Which OS's locations to read (default: this OS)
  --root DIR                    Also walk DIR for project configs and MCP servers
                                being built (repeatable)
  --managed-dir DIR             Machine-wide managed folder (default: /etc,
                                /Library/Application Support, C:\\ProgramData)
${SYSTEM_ROOT_OPTION.usage}  --no-processes                Don't look at running processes
  --no-ports                    Don't probe listening ports
  --ports P1,P2                 Probe only these listening ports
  --config FILE|DIR             Check only this MCP client config (.mcp.json,
                                .vscode/mcp.json, .cursor/mcp.json, ...) or the
                                project configs under DIR, e.g. a repository in
                                CI: nothing of the home or the machine is read
                                (repeatable)
  --format table|json|sarif     Output format (default: table on a terminal, else
                                json); sarif: SARIF 2.1.0, one result per risk
  --fail-on low|medium|high     Exit 1 when a risk of this severity or worse is
                                found (or, with --config, a file could not be used)
  --registry-snapshot FILE      The MCP registry snapshot for unknown-publisher
                                (default: the one shipped, or
                                MCPEEKER_REGISTRY_SNAPSHOT)
`,
  'registry-snapshot': `Options of registry-snapshot:
  --from FILE                   A server.json export: one document, a list, or
                                the registry API's { servers: [...] }
  --out FILE                    Write the snapshot there (default: stdout)
  --source TEXT                 Where the export came from (default: its path)
  --date YYYY-MM-DD             The day the data is from (default: the newest
                                date in the export, else today)
`,
  network: NETWORK_USAGE,
  policy: POLICY_USAGE,
};

const ENVIRONMENT = `Environment:
  MCPEEKER_HOST_ID_SALT         Salt of host-id hashes and redaction markers; must
                                match the backend's mcpeeker.hostIdSalt
  MCPEEKER_TSHARK               The tshark network --interface/--read runs
                                (default: tshark on the PATH)
`;

export const USAGE = `Usage: mcpeeker-agent <command> [options]

Finds the MCP servers on this machine and reports them to MCPeeker,
with every secret redacted before anything is printed or sent.

Commands:
${COMMANDS.map(
  c =>
    `  ${c.name.length <= 9 ? c.name.padEnd(11) : `${c.name}\n             `}${
      c.summary
    }\n`,
).join('')}  help       Show this help (<command> --help: that command's)
  version    Show the agent and event schema versions

${COMMANDS.map(c => OPTIONS[c.name]).join('\n')}
${ENVIRONMENT}
Exit codes: 0 the scan ran (found or not), 2 bad usage; scan --fail-on: 1
when a risk at or above the severity was found; run --once: 1 the portal
refused the report (its events wait in the spool); run: 0 stopped by SIGTERM
or SIGINT, 1 the portal refused the agent's credential or token (HTTP 401,
403), or NATS its token or permissions (it stops, its events wait in the
spool); enrol: 1 refused
or the backend could not be reached; gateway and network: 0 the logs were
read (bad lines are skipped and counted on stderr), 1 one could not be read on;
gateway --send and network --send: 3 the backend refused all or part of what
was sent (its reason on stderr; unreachable or busy is 0, the events wait in
the spool), and --follow or --interface stops at once with 3 when the backend
refuses the token (HTTP 401, 403; NATS: its token or permissions);
policy: 0 written or nothing to change, 1 the portal could not be read or a
file is not MCPeeker's (nothing is written then).
`;

/** `<command> --help`: what the command does and its options, not every command's. */
export function commandUsage(name: string): string | undefined {
  const command = COMMANDS.find(c => c.name === name);
  if (!command) return undefined;
  return `Usage: mcpeeker-agent ${name} [options]

${command.summary.replace(/\n +/g, '\n')}.

${OPTIONS[name]}
${ENVIRONMENT}
Every command: mcpeeker-agent --help
`;
}

interface ScanArgs {
  home?: string;
  platform?: Platform;
  roots: string[];
  managedDir?: string;
  systemRoot?: string;
  processes: boolean;
  ports: boolean;
  onlyPorts?: number[];
  format?: 'table' | 'json' | 'sarif';
  failOn?: RiskSeverity;
  only: string[];
  registrySnapshot?: string;
}

function parseScanArgs(args: string[]): ScanArgs {
  const parsed: ScanArgs = {
    roots: [],
    processes: true,
    ports: true,
    only: [],
  };
  forEachOption(args, (arg, name, value) => {
    const directory = (option: string) => existingDirectory(value(), option);
    switch (name) {
      case '--home':
        parsed.home = directory('--home');
        break;
      case '--root':
        parsed.roots.push(directory('--root'));
        break;
      case '--managed-dir':
        parsed.managedDir = value();
        break;
      case SYSTEM_ROOT_OPTION.name:
        parsed.systemRoot = SYSTEM_ROOT_OPTION.parse(value());
        break;
      case '--platform': {
        const platform = value();
        if (!['linux', 'darwin', 'win32'].includes(platform)) {
          throw new UsageError(
            `--platform must be linux, darwin or win32, got '${platform}'`,
          );
        }
        parsed.platform = platform as Platform;
        break;
      }
      case '--format': {
        const format = value();
        if (format !== 'table' && format !== 'json' && format !== 'sarif') {
          throw new UsageError(
            `--format must be table, json or sarif, got '${format}'`,
          );
        }
        parsed.format = format;
        break;
      }
      case '--fail-on': {
        const severity = value();
        if (!RISK_SEVERITIES.includes(severity as RiskSeverity))
          throw new UsageError(
            `--fail-on must be low, medium or high, got '${severity}'`,
          );
        parsed.failOn = severity as RiskSeverity;
        break;
      }
      case '--config': {
        const target = value();
        if (!fs.existsSync(target))
          throw new UsageError(`--config ${target}: no such file or folder`);
        parsed.only.push(target);
        break;
      }
      case '--registry-snapshot':
        parsed.registrySnapshot = value();
        break;
      case '--no-processes':
        parsed.processes = false;
        break;
      case '--no-ports':
        parsed.ports = false;
        break;
      case '--ports': {
        const list = value();
        const ports = list.split(',').map(p => Number(p.trim()));
        if (ports.some(p => !Number.isInteger(p) || p < 1 || p > 65535)) {
          throw new UsageError(
            `--ports takes TCP ports separated by commas, got '${list}'`,
          );
        }
        parsed.onlyPorts = ports;
        break;
      }
      default:
        throw unknownArgument(arg, 'scan');
    }
  });
  return parsed;
}

async function scan(args: string[], io: CliIo): Promise<number> {
  const options = parseScanArgs(args);
  const env = io.env ?? process.env;
  const salt = env.MCPEEKER_HOST_ID_SALT || DEVELOPMENT_HOST_ID_SALT;
  if (!env.MCPEEKER_HOST_ID_SALT) {
    io.stderr(
      'mcpeeker-agent: MCPEEKER_HOST_ID_SALT is not set: using the development salt\n',
    );
  }
  const format = options.format ?? (io.isTTY ? 'table' : 'json');
  const snapshotFile =
    options.registrySnapshot ?? (env.MCPEEKER_REGISTRY_SNAPSHOT || undefined);
  let registry: RegistryIndex;
  try {
    registry = new RegistryIndex(loadRegistrySnapshot(snapshotFile));
  } catch (error) {
    throw new UsageError(
      `registry snapshot ${snapshotFile}: ${(error as Error).message}`,
      false,
    );
  }
  const report = await scanEndpoint({
    ...options,
    only: options.only.length > 0 ? options.only : undefined,
    registry,
    platform: options.platform ?? currentPlatform(),
    hostIdHash: hashIdentifier(readHostId(), salt),
    salt,
    env,
    onProgress: io.isTTY
      ? p =>
          io.stderr(
            `\rscanning: ${plural(p.directories, 'folder')}, ${plural(
              p.files,
              'config file',
            )} read`,
          )
      : undefined,
  });
  if (io.isTTY && report.stats.directoriesWalked >= 500) io.stderr('\n');
  if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === 'sarif')
    io.stdout(
      `${JSON.stringify(
        scanToSarif(report, {
          cwd: process.cwd(),
          agentVersion: packageJson.version,
        }),
        null,
        2,
      )}\n`,
    );
  else io.stdout(formatScanTable(report));
  if (!options.failOn) return 0;
  const threshold = options.failOn;
  const failing = report.detections.flatMap(d =>
    (d.source === 'config' || d.source === 'port' ? d.risks ?? [] : []).filter(
      f => severityAtLeast(f.severity, threshold),
    ),
  );
  // A file given to check that cannot be read is not a passed check.
  const unread = options.only.length > 0 ? report.errors.length : 0;
  if (failing.length === 0 && unread === 0) return 0;
  io.stderr(
    `mcpeeker-agent: ${[
      failing.length > 0
        ? `${plural(failing.length, 'risk')} at or above ${threshold}`
        : '',
      unread > 0 ? `${plural(unread, 'config file')} could not be used` : '',
    ]
      .filter(Boolean)
      .join(', ')} (--fail-on ${threshold})\n`,
  );
  return 1;
}

/** `registry-snapshot`: a `server.json` export → the offline registry snapshot unknown-publisher uses. */
function registrySnapshotCommand(args: string[], io: CliIo): number {
  let from: string | undefined;
  let out: string | undefined;
  let source: string | undefined;
  let date: string | undefined;
  forEachOption(args, (arg, name, value) => {
    if (name === '--from') from = value();
    else if (name === '--out') out = value();
    else if (name === '--source') source = value();
    else if (name === '--date') {
      date = value();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
        throw new UsageError(`--date must be YYYY-MM-DD, got '${date}'`);
    } else throw unknownArgument(arg, 'registry-snapshot');
  });
  if (!from)
    throw new UsageError(
      "option '--from' is required: a server.json export of the MCP registry",
    );
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(from, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--from ${from}: cannot be read as JSON (${(error as Error).message})`,
      false,
    );
  }
  let snapshot;
  try {
    snapshot = buildRegistrySnapshot(doc, {
      source: source ?? path.basename(from),
      date,
    });
  } catch (error) {
    if (error instanceof RegistryExportError)
      throw new UsageError(`--from ${from}: ${error.message}`, false);
    throw error;
  }
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (out) {
    fs.writeFileSync(out, text);
    io.stderr(
      `mcpeeker-agent: registry snapshot of ${snapshot.date}: ${plural(
        snapshot.servers,
        'server',
      )}, ${plural(
        snapshot.packages.npm.length +
          snapshot.packages.pypi.length +
          snapshot.packages.oci.length +
          snapshot.packages.other.length,
        'package',
      )}, ${plural(snapshot.remoteHosts.length, 'remote host')} → ${out}\n`,
    );
  } else io.stdout(text);
  return 0;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let configFile: string | undefined;
  let once = false;
  let systemRoot: string | undefined;
  forEachOption(args, (arg, name, value) => {
    if (name === '--once' && arg === name) once = true;
    else if (name === '--config') configFile = value();
    else if (name === SYSTEM_ROOT_OPTION.name)
      systemRoot = SYSTEM_ROOT_OPTION.parse(value());
    else throw unknownArgument(arg, 'run');
  });
  const env = io.env ?? process.env;
  let config;
  try {
    config = loadAgentConfig(configFile, env);
  } catch (error) {
    if (error instanceof AgentConfigError)
      throw new UsageError(error.message, false);
    throw error;
  }
  const log = (line: string) =>
    io.stderr(`mcpeeker-agent: ${new Date().toISOString()} ${line}\n`);
  if (config.saltIsDevelopmentDefault) {
    log('MCPEEKER_HOST_ID_SALT is not set: using the development salt');
  }
  let transport;
  try {
    transport = transportFor(config);
  } catch (error) {
    throw new UsageError((error as Error).message, false);
  }
  const runIo = { log, env, ...(systemRoot ? { systemRoot } : {}) };
  const agent = new Agent(config, transport, runIo);
  if (once) {
    try {
      await agent.scan();
      await agent.flush();
    } finally {
      await agent.close();
    }
    // Unreachable or busy: the events wait in the spool for the next run.
    // Refused: they would wait for ever, until someone acts.
    return agent.refusal ? 1 : 0;
  }
  return runDaemon(agent, config, runIo);
}

/** `enrol`: the secret for a credential bound to this host's id hash, saved 0600. The secret is never printed. */
async function enrol(args: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  let url: string | undefined;
  let secret = env.MCPEEKER_ENROLMENT_SECRET || undefined;
  let configFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const option = args[i];
    if (!['--url', '--secret', '--config'].includes(option))
      throw new UsageError(`unknown option '${option}' for enrol`);
    const value = args[++i];
    if (!value) throw new UsageError(`option '${option}' needs a value`);
    if (option === '--url') url = value;
    else if (option === '--secret') secret = value;
    else configFile = value;
  }
  if (!url)
    throw new UsageError(
      "option '--url' is required: the portal backend's MCPeeker base, e.g. http://localhost:7007/api/mcpeeker",
    );
  try {
    if (!new URL(url).protocol.startsWith('http')) throw new Error();
  } catch {
    throw new UsageError(`--url ${url}: not an http(s) URL`);
  }
  if (!secret)
    throw new UsageError(
      'an enrolment secret is required: set MCPEEKER_ENROLMENT_SECRET (or --secret)',
    );
  let config;
  try {
    config = loadAgentConfig(configFile, env, {
      requireReportCredentials: false,
    });
  } catch (error) {
    if (error instanceof AgentConfigError)
      throw new UsageError(error.message, false);
    throw error;
  }
  const base = url.replace(/\/+$/, '');
  const hostIdHash = hashIdentifier(readHostId(), config.salt);
  let response: Awaited<ReturnType<typeof portalFetch>>;
  try {
    response = await portalFetch(
      `${base}/agents/enrol`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret, hostIdHash }),
        signal: AbortSignal.timeout(15_000),
      },
      config.report.tls,
    );
  } catch (error) {
    io.stderr(
      `mcpeeker-agent: cannot reach ${base}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const body: any = await response.json().catch(() => undefined);
  if (response.status !== 201 || typeof body?.credential !== 'string') {
    io.stderr(
      `mcpeeker-agent: enrolment refused (HTTP ${response.status}): ${
        body?.error?.message ?? 'no reason given'
      }\n`,
    );
    return 1;
  }
  writeAgentCredential(config.credentialFile, {
    agentId: body.id,
    owner: body.owner,
    hostIdHash: body.hostIdHash,
    url: base,
    enrolledAt: body.enrolledAt,
    credential: body.credential,
  });
  io.stdout(
    `Enrolled: agent ${body.id} reports for ${
      body.owner
    } from host ${hostIdHash.slice(0, 12)}…; credential saved to ${
      config.credentialFile
    } (mode 0600)\n`,
  );
  if (config.saltIsDevelopmentDefault)
    io.stderr(
      'mcpeeker-agent: MCPEEKER_HOST_ID_SALT is not set: the host id was hashed with the development salt\n',
    );
  return 0;
}

interface GatewayArgs {
  read?: string;
  format: LogFormat;
  follow: boolean;
  send: boolean;
  config?: string;
  gateway?: string;
}

function parseGatewayArgs(args: string[]): GatewayArgs {
  const parsed: GatewayArgs = { format: 'auto', follow: false, send: false };
  forEachOption(args, (arg, name, value) => {
    switch (name) {
      case '--read':
        parsed.read = value();
        break;
      case '--format': {
        const format = value();
        if (!LOG_FORMATS.includes(format as LogFormat))
          throw new UsageError(
            `--format must be ${LOG_FORMATS.join(', ')}, got '${format}'`,
          );
        parsed.format = format as LogFormat;
        break;
      }
      case '--follow':
        parsed.follow = true;
        break;
      case '--send':
        parsed.send = true;
        break;
      case '--config':
        parsed.config = value();
        break;
      case '--gateway':
        parsed.gateway = sensorName(value(), '--gateway');
        break;
      default:
        throw unknownArgument(arg, 'gateway');
    }
  });
  return parsed;
}

/** `gateway`: an LLM gateway's request log → gateway events, printed or sent. */
async function gateway(args: string[], io: CliIo): Promise<number> {
  const options = parseGatewayArgs(args);
  const file = options.read;
  if (!file)
    throw new UsageError(
      "option '--read' is required: the gateway's log file, or - for stdin",
    );
  if (file !== '-') {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Following waits for a log that is not there yet, as tail -F does.
      if (!(options.follow && code === 'ENOENT'))
        throw new UsageError(`--read ${file}: cannot be read (${code})`, false);
    }
    if (stat?.isDirectory())
      throw new UsageError(`--read ${file}: a folder, not a file`, false);
  }
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
  const following = options.follow && file !== '-';
  const log = (line: string) =>
    io.stderr(
      `mcpeeker-agent: ${
        following ? `${new Date().toISOString()} ` : ''
      }gateway: ${line}\n`,
    );
  if (config.saltIsDevelopmentDefault)
    log('MCPEEKER_HOST_ID_SALT is not set: using the development salt');
  let publisher: Publisher | undefined;
  if (options.send) {
    try {
      publisher = layerPublisher(config, 'gateway', log);
    } catch (error) {
      throw new UsageError((error as Error).message, false);
    }
  }
  const hostIdHash = hashIdentifier(readHostId(), config.salt);
  return readGatewayLog({
    file,
    format: options.format,
    follow: options.follow,
    context: {
      salt: config.salt,
      sensor: {
        id: options.gateway ?? `gateway-${hostIdHash.slice(0, 16)}`,
        version: packageJson.version,
      },
      now: () => new Date(),
    },
    publisher,
    stdout: io.stdout,
    log,
    stdin: io.stdin,
  });
}

/** Runs the CLI; returns the process exit code (0 ok, 2 bad usage). */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  // `<command> --help` is a question, not a mistake: that command's help.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandUsage(command) ?? USAGE);
    return 0;
  }
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return 0;
      case 'version':
      case '-V':
      case '--version':
        io.stdout(
          `mcpeeker-agent ${packageJson.version} (event schema ${EVENT_SCHEMA_VERSION})\n`,
        );
        return 0;
      case 'scan':
        return await scan(rest, io);
      case 'run':
        return await run(rest, io);
      case 'enrol':
        return await enrol(rest, io);
      case 'gateway':
        return await gateway(rest, io);
      case 'network':
        return await network(rest, io);
      case 'policy':
        return await policy(rest, io);
      case 'registry-snapshot':
        return registrySnapshotCommand(rest, io);
      default: {
        const what = command.startsWith('-')
          ? `option '${command}'`
          : `command '${command}'`;
        throw new UsageError(
          `unknown ${what}${rest.length ? ` (with ${rest.join(' ')})` : ''}`,
        );
      }
    }
  } catch (error) {
    // Every command's usage errors end here: the message, and a pointer to
    // the help rather than the whole of it, which would bury the message.
    if (error instanceof UsageError) {
      const hint = commandUsage(command)
        ? `Run 'mcpeeker-agent ${command} --help' for its options.`
        : "Run 'mcpeeker-agent --help' for the commands.";
      io.stderr(
        `mcpeeker-agent: ${error.message}\n${
          error.pointToHelp ? `${hint}\n` : ''
        }`,
      );
      return 2;
    }
    throw error;
  }
}
