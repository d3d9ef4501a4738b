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
  /**
   * Where the entry starts in the file's text, for formats whose `paths` do
   * not address the text (XML, properties, crushrc): risks point at its line.
   */
  textOffset?: number;
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

export type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function stringArray(value: unknown): string[] | undefined {
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
export function normalizeEntry(
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
  if (typeof entry.command === 'string' && entry.command !== '') {
    // Jan writes `"command": ""` beside the url of a remote server.
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

  // Jan marks a server `active`, 5ire `isActive`.
  const disabled =
    entry.disabled === true ||
    entry.enabled === false ||
    entry.active === false ||
    entry.isActive === false
      ? true
      : undefined;
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

export function fromNamedObject(
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

/**
 * A settings key written dotted (`"mcp.servers"`), nested, or partly both
 * (`"augment.advanced": { "mcpServers": … }`), with the path it was found at.
 */
export function dotted(
  doc: Obj,
  dottedKey: string,
): { value: unknown; path: ConfigPath } {
  const parts = dottedKey.split('.');
  const find = (
    cur: unknown,
    rest: string[],
  ): { value: unknown; path: ConfigPath } | undefined => {
    if (rest.length === 0) return { value: cur, path: [] };
    if (!isObject(cur)) return undefined;
    for (let n = rest.length; n >= 1; n--) {
      const key = rest.slice(0, n).join('.');
      if (!(key in cur)) continue;
      const found = find(cur[key], rest.slice(n));
      if (found) return { value: found.value, path: [key, ...found.path] };
    }
    return undefined;
  };
  return find(doc, parts) ?? { value: undefined, path: parts };
}

export function fromDotted(
  doc: Obj,
  dottedKey: string,
  urlTransport: 'http' | 'sse' | undefined,
) {
  const { value, path } = dotted(doc, dottedKey);
  return fromNamedObject(value, urlTransport, path);
}

/** A list of `{ name, ... }` entries (Continue, Augment's older settings); unnamed ones are `#1`, `#2`… */
export function fromNamedList(
  list: unknown,
  urlTransport: 'http' | 'sse' | undefined,
  path: ConfigPath,
): Array<DeclaredServer | EntryProblem> {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    return [{ serverName: '*', message: `${path.join('.')} is not a list` }];
  }
  return list.map((entry, i) => {
    const name =
      isObject(entry) && typeof entry.name === 'string'
        ? entry.name
        : `#${i + 1}`;
    return normalizeEntry(name, entry, urlTransport, [...path, i]);
  });
}

export function isProblem(
  item: DeclaredServer | EntryProblem,
): item is EntryProblem {
  return 'message' in item;
}
