import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  DEVELOPMENT_HOST_ID_SALT,
  hostLabelSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import { readAgentCredential } from './agentCredential';
import type { AgentTls } from './portalFetch';

/** How `mcpeeker-agent run` behaves: from a config file, then the environment. */
export interface AgentConfig {
  salt: string;
  saltIsDevelopmentDefault: boolean;
  /** Entity ref of whoever owns this endpoint, e.g. `user:default/dana`. */
  owner?: string;
  /**
   * The name people know this machine by in the portal ("Dana's MacBook"):
   * sent only when set, for the host name never leaves the machine.
   */
  hostLabel?: string;
  intervalMs: number;
  roots: string[];
  processes: boolean;
  ports: boolean;
  report: {
    /** With the service token, or this agent's own credential once it was enrolled. */
    http?: { url: string; token?: string; credential?: string };
    nats?: { servers: string[]; token?: string; subjectPrefix: string };
    /** TLS for both transports (`report.tls`): a private CA, and a client certificate for mutual TLS. */
    tls?: AgentTls;
  };
  spool: { dir: string; maxEvents: number };
  /** Where `mcpeeker-agent enrol` keeps this agent's credential (default: in the spool folder). */
  credentialFile: string;
  /** The file it was read from (`--config`), for advice that names a command to run with it. */
  file?: string;
}

/** A configuration problem, naming where it is. */
export class AgentConfigError extends Error {}

const KNOWN = new Set([
  'hostIdSalt',
  'owner',
  'hostLabel',
  'interval',
  'roots',
  'processes',
  'ports',
  'report',
  'spool',
  'credentialFile',
]);

const TLS_FILES = [
  ['ca', 'MCPEEKER_TLS_CA'],
  ['cert', 'MCPEEKER_TLS_CERT'],
  ['key', 'MCPEEKER_TLS_KEY'],
] as const;

/**
 * `report.tls.{ca,cert,key}` (or `MCPEEKER_TLS_CA`, `MCPEEKER_TLS_CERT`,
 * `MCPEEKER_TLS_KEY`): paths of PEM files, read now so that a missing or
 * unreadable one stops the agent at start, named.
 */
function readTls(
  doc: unknown,
  env: Record<string, string | undefined>,
  where: (field: string) => string,
): AgentTls | undefined {
  if (doc !== undefined && (typeof doc !== 'object' || doc === null))
    throw new AgentConfigError(
      `${where('report.tls')}: expected a mapping of ca, cert and key files`,
    );
  const tlsDoc = (doc ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(tlsDoc)) {
    if (!TLS_FILES.some(([field]) => field === key))
      throw new AgentConfigError(
        `${where(
          `report.tls.${key}`,
        )}: not a known setting (known: ca, cert, key)`,
      );
  }
  const tls: AgentTls = {};
  for (const [field, variable] of TLS_FILES) {
    const fromEnv = env[variable];
    const file = fromEnv || tlsDoc[field];
    if (file === undefined || file === null) continue;
    const name = fromEnv ? variable : where(`report.tls.${field}`);
    if (typeof file !== 'string' || file === '')
      throw new AgentConfigError(`${name}: expected the path of a PEM file`);
    let pem: string;
    try {
      pem = fs.readFileSync(expandHome(file), 'utf8');
    } catch (error) {
      throw new AgentConfigError(
        `${name}: ${file} cannot be read (${
          (error as NodeJS.ErrnoException).code ?? (error as Error).message
        })`,
      );
    }
    if (!pem.includes('-----BEGIN '))
      throw new AgentConfigError(`${name}: ${file} is not a PEM file`);
    tls[field] = pem;
  }
  if (Boolean(tls.cert) !== Boolean(tls.key))
    throw new AgentConfigError(
      `${where(
        'report.tls',
      )}: a client certificate needs its key, and a key its certificate (cert and key, or MCPEEKER_TLS_CERT and MCPEEKER_TLS_KEY)`,
    );
  return Object.keys(tls).length > 0 ? tls : undefined;
}

/** `12h`, `30m`, `45s`, `500ms`, or a number of milliseconds. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number' && value > 0) return value;
  const match =
    typeof value === 'string'
      ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim())
      : null;
  if (!match)
    throw new AgentConfigError(
      `${where}: expected a duration like 12h, 30m or 45s, got ${JSON.stringify(
        value,
      )}`,
    );
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms'
  ];
  return Number(match[1]) * unit;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/')
    ? path.join(os.homedir(), p.slice(1))
    : p;
}

/**
 * Reads the agent's configuration: the YAML/JSON file (if given), then the
 * environment on top (`MCPEEKER_HOST_ID_SALT`, `MCPEEKER_OWNER`,
 * `MCPEEKER_HOST_LABEL`, `MCPEEKER_INTERVAL`, `MCPEEKER_ROOTS` (path-separated), `MCPEEKER_HTTP_URL`,
 * `MCPEEKER_TOKEN`, `MCPEEKER_NATS_URL` (comma-separated), `MCPEEKER_NATS_TOKEN`,
 * `MCPEEKER_SPOOL_DIR`, `MCPEEKER_CREDENTIAL_FILE`, `MCPEEKER_TLS_CA`,
 * `MCPEEKER_TLS_CERT`, `MCPEEKER_TLS_KEY`). Errors name the file and the field.
 * An enrolled agent (a credential in `credentialFile`) reports over HTTP with
 * it, to the backend it enrolled with unless `report.http.url` says otherwise.
 */
export function loadAgentConfig(
  file: string | undefined,
  env: Record<string, string | undefined>,
  options: {
    /** Off for `enrol`, which needs the salt and the credential file, not a way to report. */
    requireReportCredentials?: boolean;
    /**
     * Off for `gateway --send`: an enrolled agent's credential reports its own
     * host's endpoint events only, so gateway events go with the service token.
     */
    useAgentCredential?: boolean;
  } = {},
): AgentConfig {
  let doc: Record<string, any> = {};
  const where = (field: string) => (file ? `${file}: ${field}` : field);
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new AgentConfigError(
        `${file}: cannot be read (${
          (error as NodeJS.ErrnoException).code ?? (error as Error).message
        })`,
      );
    }
    try {
      doc = parseYaml(text) ?? {};
    } catch (error) {
      throw new AgentConfigError(
        `${file}: not valid YAML or JSON: ${
          (error as Error).message.split('\n')[0]
        }`,
      );
    }
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new AgentConfigError(`${file}: expected a mapping of settings`);
    for (const key of Object.keys(doc)) {
      if (!KNOWN.has(key))
        throw new AgentConfigError(
          `${file}: ${key} is not a known setting (known: ${[...KNOWN].join(
            ', ',
          )})`,
        );
    }
  }
  const str = (value: unknown, field: string) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new AgentConfigError(
        `${where(field)}: expected a non-empty string`,
      );
    return value;
  };
  const bool = (value: unknown, field: string, fallback: boolean) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean')
      throw new AgentConfigError(`${where(field)}: expected true or false`);
    return value;
  };

  const salt = env.MCPEEKER_HOST_ID_SALT || str(doc.hostIdSalt, 'hostIdSalt');
  const owner = env.MCPEEKER_OWNER || str(doc.owner, 'owner');
  if (
    owner !== undefined &&
    !/^(user|group):[\w.-]+\/[\w.-]+$|^(user|group):[\w.-]+$/.test(owner)
  ) {
    throw new AgentConfigError(
      `${
        env.MCPEEKER_OWNER ? 'MCPEEKER_OWNER' : where('owner')
      }: expected an entity ref like user:default/dana, got ${owner}`,
    );
  }
  const labelFrom = env.MCPEEKER_HOST_LABEL
    ? 'MCPEEKER_HOST_LABEL'
    : where('hostLabel');
  const rawLabel = env.MCPEEKER_HOST_LABEL || doc.hostLabel;
  let hostLabel: string | undefined;
  if (rawLabel !== undefined && rawLabel !== null) {
    const parsed = hostLabelSchema.safeParse(rawLabel);
    if (!parsed.success)
      throw new AgentConfigError(
        `${labelFrom}: expected one line of text of 1 to 64 characters, got ${JSON.stringify(
          rawLabel,
        )}`,
      );
    hostLabel = parsed.data;
  }
  let intervalMs = 12 * 3_600_000;
  if (env.MCPEEKER_INTERVAL) {
    intervalMs = parseDuration(env.MCPEEKER_INTERVAL, 'MCPEEKER_INTERVAL');
  } else if (doc.interval !== undefined) {
    intervalMs = parseDuration(doc.interval, where('interval'));
  }

  let roots: string[] = [];
  if (env.MCPEEKER_ROOTS)
    roots = env.MCPEEKER_ROOTS.split(path.delimiter).filter(Boolean);
  else if (doc.roots !== undefined) {
    if (
      !Array.isArray(doc.roots) ||
      doc.roots.some((r: unknown) => typeof r !== 'string')
    ) {
      throw new AgentConfigError(
        `${where('roots')}: expected a list of folders`,
      );
    }
    roots = doc.roots;
  }
  roots = roots.map(expandHome);

  const report: AgentConfig['report'] = {};
  const httpDoc = doc.report?.http ?? {};
  const httpUrl = env.MCPEEKER_HTTP_URL || str(httpDoc.url, 'report.http.url');
  if (httpUrl) {
    try {
      if (!new URL(httpUrl).protocol.startsWith('http')) throw new Error();
    } catch {
      throw new AgentConfigError(
        `${
          env.MCPEEKER_HTTP_URL ? 'MCPEEKER_HTTP_URL' : where('report.http.url')
        }: not a URL: ${httpUrl}`,
      );
    }
    const token = env.MCPEEKER_TOKEN || str(httpDoc.token, 'report.http.token');
    report.http = { url: httpUrl, ...(token ? { token } : {}) };
  }
  const natsDoc = doc.report?.nats ?? {};
  const natsServers = env.MCPEEKER_NATS_URL
    ? env.MCPEEKER_NATS_URL.split(',')
        .map(s => s.trim())
        .filter(Boolean)
    : natsDoc.servers;
  if (natsServers !== undefined) {
    if (
      !Array.isArray(natsServers) ||
      natsServers.length === 0 ||
      natsServers.some((s: unknown) => typeof s !== 'string')
    ) {
      throw new AgentConfigError(
        `${where('report.nats.servers')}: expected a list of NATS URLs`,
      );
    }
    report.nats = {
      servers: natsServers,
      token: env.MCPEEKER_NATS_TOKEN || str(natsDoc.token, 'report.nats.token'),
      subjectPrefix:
        str(natsDoc.subjectPrefix, 'report.nats.subjectPrefix') ??
        'mcp.endpoint',
    };
  }
  if (doc.report !== undefined && typeof doc.report !== 'object')
    throw new AgentConfigError(`${where('report')}: expected a mapping`);
  const tls = readTls(doc.report?.tls, env, where);
  if (tls) report.tls = tls;

  const spoolDoc = doc.spool ?? {};
  const maxEvents = spoolDoc.maxEvents ?? 10_000;
  if (!Number.isInteger(maxEvents) || maxEvents < 1)
    throw new AgentConfigError(
      `${where('spool.maxEvents')}: expected a positive whole number`,
    );
  const spoolDir = expandHome(
    env.MCPEEKER_SPOOL_DIR ||
      str(spoolDoc.dir, 'spool.dir') ||
      path.join(os.homedir(), '.mcpeeker', 'spool'),
  );

  const credentialFile = expandHome(
    env.MCPEEKER_CREDENTIAL_FILE ||
      str(doc.credentialFile, 'credentialFile') ||
      // No .json: the spool reads only those.
      path.join(spoolDir, 'agent-credential'),
  );
  const saved =
    options.useAgentCredential === false
      ? undefined
      : readAgentCredential(credentialFile);
  if (saved && !report.nats) {
    report.http = {
      url: report.http?.url ?? `${saved.url.replace(/\/+$/, '')}/events`,
      credential: saved.credential,
    };
  }
  if (
    report.http &&
    !report.http.token &&
    !report.http.credential &&
    options.requireReportCredentials !== false
  )
    throw new AgentConfigError(
      `${where(
        'report.http.token',
      )} (or MCPEEKER_TOKEN): required with report.http.url — the service token the backend issued for agents — ${
        options.useAgentCredential === false
          ? 'which gateway events are sent with (an enrolled agent reports its own endpoint events only)'
          : `unless the agent is enrolled (mcpeeker-agent enrol; no credential in ${credentialFile})`
      }`,
    );

  return {
    salt: salt ?? DEVELOPMENT_HOST_ID_SALT,
    saltIsDevelopmentDefault: !salt,
    owner,
    ...(hostLabel ? { hostLabel } : {}),
    intervalMs,
    roots,
    processes: bool(doc.processes, 'processes', true),
    ports: bool(doc.ports, 'ports', true),
    report,
    spool: { dir: spoolDir, maxEvents },
    credentialFile,
    ...(file ? { file } : {}),
  };
}
