import type { Extractor } from './clientTable';
import type { ConfigPath } from '../risk/configPositions';

/** One server entry as a client config declares it, before redaction. */
export interface DeclaredServer {
  serverName: string;
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args?: string[];
  url?: string;
  env?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  disabled?: boolean;
  /** Claude Code's `projects.<path>`: the project the entry belongs to. */
  projectPath?: string;
  /** Where the entry is in the file, and where its parts are inside the entry (risk locations). */
  paths: {
    entry: ConfigPath;
    command?: ConfigPath;
    /** One per argument, in `args` order. */
    args: ConfigPath[];
    env?: ConfigPath;
    headers?: ConfigPath;
    url?: ConfigPath;
  };
  /** The entry as the file has it: client keys the agent doesn't normalise (auto-approve, trust). */
  raw: Record<string, unknown>;
}

/** A shape problem in one entry: reported, and the rest of the file still counts. */
export interface EntryProblem {
  serverName: string;
  message: string;
  /** Not a problem at all: an entry that is no MCP server (a client's built-in extension), left out quietly. */
  notAServer?: true;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map(v => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function explicitTransport(
  entry: Obj,
): DeclaredServer['transport'] | undefined {
  const type = entry.type ?? entry.transport;
  if (typeof type !== 'string') return undefined;
  const t = type.toLowerCase().replace(/[-_]/g, '');
  if (t === 'stdio' || t === 'local' || t === 'command') return 'stdio';
  if (t === 'sse') return 'sse';
  if (['http', 'streamablehttp', 'remote', 'streamable'].includes(t))
    return 'http';
  return undefined;
}

function urlTransportOf(url: string, fallback: 'http' | 'sse' | undefined) {
  if (fallback) return fallback;
  return /\/sse\/?(\?|$)/.test(url) ? 'sse' : 'http';
}

/**
 * Normalises one entry in any client's dialect: `command` + `args` (or a
 * command array, or Zed's `{ path, args, env }`, or Goose's `cmd`), `url` /
 * `serverUrl` (Windsurf) / `httpUrl` (Gemini, Streamable HTTP) / `uri`
 * (Goose), `env` / `environment` / `envs`, `headers` / `http_headers`.
 */
function normalizeEntry(
  serverName: string,
  raw: unknown,
  urlTransport: 'http' | 'sse' | undefined,
  entryPath: ConfigPath,
): DeclaredServer | EntryProblem {
  if (!isObject(raw)) {
    return {
      serverName,
      message: `entry is ${
        Array.isArray(raw) ? 'an array' : typeof raw
      }, expected an object`,
    };
  }
  const entry = raw;
  let command: string | undefined;
  let args = stringArray(entry.args);
  const envKey = ['env', 'environment', 'envs'].find(k => isObject(entry[k]));
  let env = envKey ? (entry[envKey] as Obj) : undefined;
  const paths: DeclaredServer['paths'] = {
    entry: entryPath,
    args: (args ?? []).map((_, i) => ['args', i]),
    ...(envKey ? { env: [envKey] } : {}),
  };
  if (typeof entry.command === 'string') {
    command = entry.command;
    paths.command = ['command'];
  } else if (Array.isArray(entry.command)) {
    const [first, ...rest] = stringArray(entry.command) ?? [];
    command = first;
    paths.command = ['command', 0];
    paths.args = [...rest.map((_, i) => ['command', i + 1]), ...paths.args];
    args = [...rest, ...(args ?? [])];
  } else if (isObject(entry.command)) {
    // Zed: "command": { "path": "...", "args": [...], "env": {...} }
    if (typeof entry.command.path === 'string') command = entry.command.path;
    paths.command = ['command', 'path'];
    const zedArgs = stringArray(entry.command.args);
    if (zedArgs) paths.args = zedArgs.map((_, i) => ['command', 'args', i]);
    args = zedArgs ?? args;
    if (isObject(entry.command.env)) {
      env = entry.command.env;
      paths.env = ['command', 'env'];
    }
  } else if (typeof entry.cmd === 'string') {
    command = entry.cmd;
    paths.command = ['cmd'];
  }
  let headers: Obj | undefined;
  if (isObject(entry.headers)) {
    headers = entry.headers;
    paths.headers = ['headers'];
  } else if (isObject(entry.http_headers)) {
    headers = entry.http_headers;
    paths.headers = ['http_headers'];
  } else if (
    isObject(entry.requestInit) &&
    isObject(entry.requestInit.headers)
  ) {
    headers = entry.requestInit.headers;
    paths.headers = ['requestInit', 'headers'];
  }

  const disabled =
    entry.disabled === true || entry.enabled === false ? true : undefined;
  const httpUrl = typeof entry.httpUrl === 'string' ? entry.httpUrl : undefined;
  const urlKey =
    httpUrl !== undefined
      ? 'httpUrl'
      : ['url', 'serverUrl', 'uri'].find(k => typeof entry[k] === 'string');
  const url = urlKey ? (entry[urlKey] as string) : undefined;
  if (urlKey) paths.url = [urlKey];

  if (command !== undefined) {
    return {
      serverName,
      transport:
        explicitTransport(entry) === 'stdio' || !url
          ? 'stdio'
          : explicitTransport(entry)!,
      command,
      args: args ?? [],
      env,
      headers,
      disabled,
      paths,
      raw: entry,
    };
  }
  if (url !== undefined) {
    const transport =
      explicitTransport(entry) ??
      (httpUrl ? 'http' : urlTransportOf(url, urlTransport));
    return {
      serverName,
      transport: transport === 'stdio' ? 'http' : transport,
      url,
      env,
      headers,
      disabled,
      paths,
      raw: entry,
    };
  }
  if (
    entry.type === 'builtin' ||
    entry.type === 'platform' ||
    entry.type === 'frontend' ||
    entry.type === 'inline_python'
  ) {
    return {
      serverName,
      message: `'${String(
        entry.type,
      )}' extension runs inside the client, not as an MCP server`,
      notAServer: true,
    };
  }
  return { serverName, message: 'has neither a command nor a url' };
}

function fromNamedObject(
  value: unknown,
  urlTransport: 'http' | 'sse' | undefined,
  path: ConfigPath,
): Array<DeclaredServer | EntryProblem> {
  const where = path.join('.');
  if (value === undefined) return [];
  if (!isObject(value)) {
    return [
      {
        serverName: '*',
        message: `${where} is ${
          Array.isArray(value) ? 'an array' : typeof value
        }, expected an object of servers`,
      },
    ];
  }
  return Object.entries(value).map(([name, entry]) =>
    normalizeEntry(name, entry, urlTransport, [...path, name]),
  );
}

/** A settings key written dotted (`"mcp.servers"`) or nested, with the path it was found at. */
function dotted(
  doc: Obj,
  dottedKey: string,
): { value: unknown; path: ConfigPath } {
  if (dottedKey in doc) return { value: doc[dottedKey], path: [dottedKey] };
  const path = dottedKey.split('.');
  let cur: unknown = doc;
  for (const part of path) {
    if (!isObject(cur)) return { value: undefined, path };
    cur = cur[part];
  }
  return { value: cur, path };
}

function fromDotted(
  doc: Obj,
  dottedKey: string,
  urlTransport: 'http' | 'sse' | undefined,
) {
  const { value, path } = dotted(doc, dottedKey);
  return fromNamedObject(value, urlTransport, path);
}

/**
 * Finds the server entries in a parsed config document. Returns entries and
 * per-entry problems; never throws on odd shapes.
 */
export function extractServers(
  doc: unknown,
  extractor: Extractor,
  urlTransport?: 'http' | 'sse',
): Array<DeclaredServer | EntryProblem> {
  if (!isObject(doc)) {
    return doc === null || doc === undefined
      ? []
      : [{ serverName: '*', message: 'the file is not an object' }];
  }
  switch (extractor) {
    case 'mcpServers':
      return fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'servers':
      return fromNamedObject(doc.servers, urlTransport, ['servers']);
    case 'serversOrMcpServers':
      return [
        ...fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']),
        ...fromNamedObject(doc.servers, urlTransport, ['servers']),
      ];
    case 'context_servers':
      return fromNamedObject(doc.context_servers, urlTransport, [
        'context_servers',
      ]);
    case 'mcp_servers':
      return fromNamedObject(doc.mcp_servers, urlTransport, ['mcp_servers']);
    case 'vscodeSettings':
      return [
        ...fromDotted(doc, 'mcp.servers', urlTransport),
        ...fromNamedObject(doc['amp.mcpServers'], urlTransport, [
          'amp.mcpServers',
        ]),
      ];
    case 'ampSettings':
      return fromNamedObject(doc['amp.mcpServers'], urlTransport, [
        'amp.mcpServers',
      ]);
    case 'devcontainer':
      return fromDotted(doc, 'customizations.vscode.mcp.servers', urlTransport);
    case 'claudeCodeUser': {
      const found = fromNamedObject(doc.mcpServers, urlTransport, [
        'mcpServers',
      ]);
      if (isObject(doc.projects)) {
        for (const [projectPath, project] of Object.entries(doc.projects)) {
          if (isObject(project)) {
            for (const item of fromNamedObject(
              project.mcpServers,
              urlTransport,
              ['projects', projectPath, 'mcpServers'],
            )) {
              found.push('transport' in item ? { ...item, projectPath } : item);
            }
          }
        }
      }
      return found;
    }
    case 'opencode':
      return fromNamedObject(doc.mcp, urlTransport, ['mcp']);
    case 'goose':
      return fromNamedObject(doc.extensions, urlTransport, [
        'extensions',
      ]).filter(item => !('notAServer' in item));
    case 'continue': {
      const list = doc.mcpServers;
      if (list === undefined) return [];
      if (!Array.isArray(list)) {
        return [{ serverName: '*', message: 'mcpServers is not a list' }];
      }
      return list.map((entry, i) => {
        const name =
          isObject(entry) && typeof entry.name === 'string'
            ? entry.name
            : `#${i + 1}`;
        return normalizeEntry(name, entry, urlTransport, ['mcpServers', i]);
      });
    }
    default:
      return [];
  }
}

export function isProblem(
  item: DeclaredServer | EntryProblem,
): item is EntryProblem {
  return 'message' in item;
}
