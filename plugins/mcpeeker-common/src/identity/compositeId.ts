import { canonicalJson, sha256Hex } from './hashing';

/**
 * What the product knows about which MCP server a signal is about.
 *
 * @public
 */
export interface ServerIdentity {
  /** Salted hash of the host the server runs on; absent for a remote server known only by URL. */
  hostIdHash?: string;
  /** TCP port it listens on, for HTTP and SSE servers on the host. */
  port?: number;
  /** Hash of the manifest that declares it (`server.json`, MCPB `manifest.json`, package manifest). */
  manifestHash?: string;
  /**
   * How it runs: {@link commandSignature} for a stdio server, the normalised
   * URL ({@link normalizeServerUrl}) for a remote one.
   */
  processSignature?: string;
}

/** The prefix every composite id carries, so ids are recognisable in logs. */
export const COMPOSITE_ID_PREFIX = 'mcp_';

/** Pattern of a valid composite id. */
export const COMPOSITE_ID_PATTERN = /^mcp_[0-9a-f]{32}$/;

/**
 * The composite id of an MCP server: `mcp_` + the first 128 bits of the
 * SHA-256 of the canonical JSON of its identity.
 *
 * Deterministic (same identity, same id, on every host and in every layer),
 * stable across scans (no timestamps, pids or secrets take part), and
 * order-independent (keys are sorted). At least one component must be present.
 *
 * @public
 */
export function compositeId(identity: ServerIdentity): string {
  const components = {
    h: identity.hostIdHash || undefined,
    p: identity.port,
    m: identity.manifestHash || undefined,
    s: identity.processSignature || undefined,
  };
  if (Object.values(components).every(v => v === undefined)) {
    throw new Error(
      'compositeId needs at least one of hostIdHash, port, manifestHash, processSignature',
    );
  }
  if (
    identity.port !== undefined &&
    (!Number.isInteger(identity.port) ||
      identity.port < 1 ||
      identity.port > 65535)
  ) {
    throw new Error(`compositeId: port ${identity.port} is not a TCP port`);
  }
  return `${COMPOSITE_ID_PREFIX}${sha256Hex(canonicalJson(components)).slice(
    0,
    32,
  )}`;
}

const SECRET_FLAG =
  /^--?[\w-]*(token|key|secret|password|passwd|pwd|auth|credential|bearer|cookie)[\w-]*$/i;

/**
 * How a stdio server is started, without what varies between runs or hosts or
 * is secret: the launcher's base name (no path, no `.exe`/`.cmd`), then the
 * arguments, where the value of any secret-looking flag (`--token X`,
 * `--api-key=X`) is dropped entirely. Two machines running the same server
 * with different keys share a signature; a key rotation doesn't change it.
 *
 * @public
 */
export function commandSignature(command: string, args: string[] = []): string {
  const launcher = (command.split(/[\\/]/).pop() ?? command)
    .replace(/\.(exe|cmd|bat|ps1)$/i, '')
    .toLowerCase();
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (SECRET_FLAG.test(flag)) {
      kept.push(flag);
      if (eq < 0 && i + 1 < args.length && !args[i + 1].startsWith('-')) {
        i++;
      }
      continue;
    }
    kept.push(arg);
  }
  return [launcher, ...kept].join(' ');
}

/**
 * A remote server's URL as identity: scheme and host lower-cased, default
 * port dropped, credentials, query and fragment removed, no trailing slash.
 *
 * @public
 */
export function normalizeServerUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const text = parsed.toString();
  return text.endsWith('/') ? text.slice(0, -1) : text;
}
