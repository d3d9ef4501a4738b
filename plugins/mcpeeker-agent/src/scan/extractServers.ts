import type { Extractor } from './clientTable';

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

const firstObject = (...values: unknown[]): Obj | undefined =>
  values.find(isObject);

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
  let env = firstObject(entry.env, entry.environment, entry.envs);
  if (typeof entry.command === 'string') {
    command = entry.command;
  } else if (Array.isArray(entry.command)) {
    const [first, ...rest] = stringArray(entry.command) ?? [];
    command = first;
    args = [...rest, ...(args ?? [])];
  } else if (isObject(entry.command)) {
    // Zed: "command": { "path": "...", "args": [...], "env": {...} }
    if (typeof entry.command.path === 'string') command = entry.command.path;
    args = stringArray(entry.command.args) ?? args;
    if (isObject(entry.command.env)) env = entry.command.env;
  } else if (typeof entry.cmd === 'string') {
    command = entry.cmd;
  }
  const headers = firstObject(
    entry.headers,
    entry.http_headers,
    isObject(entry.requestInit) ? entry.requestInit.headers : undefined,
  );

  const disabled =
    entry.disabled === true || entry.enabled === false ? true : undefined;
  const httpUrl = typeof entry.httpUrl === 'string' ? entry.httpUrl : undefined;
  const url =
    httpUrl ??
    [entry.url, entry.serverUrl, entry.uri].find(
      (u): u is string => typeof u === 'string',
    );

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
  where: string,
): Array<DeclaredServer | EntryProblem> {
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
    normalizeEntry(name, entry, urlTransport),
  );
}

function dotted(doc: Obj, dottedKey: string): unknown {
  if (dottedKey in doc) return doc[dottedKey];
  let cur: unknown = doc;
  for (const part of dottedKey.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
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
      return fromNamedObject(doc.mcpServers, urlTransport, 'mcpServers');
    case 'servers':
      return fromNamedObject(doc.servers, urlTransport, 'servers');
    case 'serversOrMcpServers':
      return [
        ...fromNamedObject(doc.mcpServers, urlTransport, 'mcpServers'),
        ...fromNamedObject(doc.servers, urlTransport, 'servers'),
      ];
    case 'context_servers':
      return fromNamedObject(
        doc.context_servers,
        urlTransport,
        'context_servers',
      );
    case 'mcp_servers':
      return fromNamedObject(doc.mcp_servers, urlTransport, 'mcp_servers');
    case 'vscodeSettings':
      return [
        ...fromNamedObject(
          dotted(doc, 'mcp.servers'),
          urlTransport,
          'mcp.servers',
        ),
        ...fromNamedObject(
          doc['amp.mcpServers'],
          urlTransport,
          'amp.mcpServers',
        ),
      ];
    case 'ampSettings':
      return fromNamedObject(
        doc['amp.mcpServers'],
        urlTransport,
        'amp.mcpServers',
      );
    case 'devcontainer':
      return fromNamedObject(
        dotted(doc, 'customizations.vscode.mcp.servers'),
        urlTransport,
        'customizations.vscode.mcp.servers',
      );
    case 'claudeCodeUser': {
      const found = fromNamedObject(doc.mcpServers, urlTransport, 'mcpServers');
      if (isObject(doc.projects)) {
        for (const [projectPath, project] of Object.entries(doc.projects)) {
          if (isObject(project)) {
            for (const item of fromNamedObject(
              project.mcpServers,
              urlTransport,
              `projects.${projectPath}.mcpServers`,
            )) {
              found.push('transport' in item ? { ...item, projectPath } : item);
            }
          }
        }
      }
      return found;
    }
    case 'opencode':
      return fromNamedObject(doc.mcp, urlTransport, 'mcp');
    case 'goose':
      return fromNamedObject(doc.extensions, urlTransport, 'extensions').filter(
        item => !('notAServer' in item),
      );
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
        return normalizeEntry(name, entry, urlTransport);
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
