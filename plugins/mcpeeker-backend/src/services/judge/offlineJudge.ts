import type { JudgeVerdict } from './JudgeService';
import type { JudgeInput } from './judgeInput';

/** Claude Code's names for MCP tools: `mcp__<server>__<tool>`. */
const MCP_TOOL_NAME = /^mcp__([^_].*?)__(.+)$/;

/**
 * Words in an excerpt or tool description that name MCP itself or its
 * well-known packages. Not "MCP server" on its own: adapters write that in
 * every excerpt's header.
 */
const MCP_MARKERS: Array<{ pattern: RegExp; says: string }> = [
  {
    pattern: /model context protocol/i,
    says: 'names the Model Context Protocol',
  },
  {
    pattern: /@modelcontextprotocol\//i,
    says: 'names an @modelcontextprotocol package',
  },
  {
    pattern: /\bmcp-server-[a-z0-9-]+/i,
    says: 'names an mcp-server-… package',
  },
  { pattern: /\b[a-z0-9-]+-mcp(?:-server)?\b/i, says: 'names a …-mcp package' },
  { pattern: /\bfastmcp\b/i, says: 'names FastMCP' },
];

/**
 * Tool names that well-known MCP servers offer (filesystem, GitHub, browser,
 * fetch, memory, git, databases). On their own they suggest MCP; plenty of
 * non-MCP function tools share such names, hence only `uncertain`.
 */
const TYPICAL_MCP_TOOLS = new Set([
  'read_file',
  'read_text_file',
  'read_multiple_files',
  'write_file',
  'edit_file',
  'list_directory',
  'directory_tree',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
  'create_issue',
  'create_pull_request',
  'search_repositories',
  'get_file_contents',
  'push_files',
  'browser_navigate',
  'browser_click',
  'browser_snapshot',
  'browser_take_screenshot',
  'fetch',
  'create_entities',
  'create_relations',
  'read_graph',
  'git_status',
  'git_diff',
  'git_commit',
  'query',
  'list_tables',
  'describe_table',
]);

const sentence = (items: string[]) =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

const quoted = (names: string[], max = 4) =>
  sentence(
    names
      .slice(0, max)
      .map(n => `'${n}'`)
      .concat(names.length > max ? [`${names.length - max} more`] : []),
  );

/**
 * The offline judge of the embedded default: a deterministic classifier from
 * tool names, MCP connectors and the excerpt's words, with the Judge's verdict
 * shape and its own explanation. Same input, same verdict, always.
 */
export function offlineVerdict(input: JudgeInput): JudgeVerdict {
  const label = 'Offline judge (rule-based, no model was asked):';
  const byName = new Map<string, string[]>();
  for (const tool of input.toolNames) {
    const m = MCP_TOOL_NAME.exec(tool);
    if (m) byName.set(m[1], [...(byName.get(m[1]) ?? []), m[2]]);
  }
  const connectors = input.mcpServers.map(s => s.name);
  if (connectors.length > 0 || byName.size > 0) {
    const servers = [...new Set([...connectors, ...byName.keys()])].sort();
    const reasons = [
      ...(connectors.length > 0
        ? [
            `the request names the MCP server${
              connectors.length > 1 ? 's' : ''
            } ${quoted(connectors)} (an mcp_servers connector or its tools)`,
          ]
        : []),
      ...(byName.size > 0
        ? [
            `its tools are named the way MCP clients name MCP tools (mcp__<server>__<tool>): ${quoted(
              [...byName].map(([s, tools]) => `mcp__${s}__${tools[0]}`),
            )}`,
          ]
        : []),
    ];
    return {
      verdict: 'mcp',
      confidence: 0.95,
      servers,
      explanation: `${label} ${capitalise(
        sentence(reasons),
      )}. These are MCP servers the model can call through this request: ${quoted(
        servers,
      )}.`,
      judgedBy: 'offline',
    };
  }
  const text = input.excerpt;
  const markers = MCP_MARKERS.filter(m => m.pattern.test(text));
  if (markers.length > 0 && input.toolNames.length > 0) {
    return {
      verdict: 'mcp',
      confidence: 0.7,
      servers: [],
      explanation: `${label} The request offers ${input.toolNames.length} tool${
        input.toolNames.length === 1 ? '' : 's'
      } and its text ${sentence(
        markers.slice(0, 2).map(m => m.says),
      )}. No tool is named after an MCP server, so which server it is stays open.`,
      judgedBy: 'offline',
    };
  }
  const typical = input.toolNames.filter(t => TYPICAL_MCP_TOOLS.has(t));
  if (typical.length > 0) {
    return {
      verdict: 'uncertain',
      confidence: 0.5,
      servers: [],
      explanation: `${label} The tools ${quoted(
        typical,
      )} are ones well-known MCP servers offer, but ordinary function tools use the same names. Nothing else in the request points to MCP.`,
      judgedBy: 'offline',
    };
  }
  if (input.toolNames.length > 0) {
    return {
      verdict: 'not-mcp',
      confidence: 0.6,
      servers: [],
      explanation: `${label} The request offers the tools ${quoted(
        input.toolNames,
      )}, which follow no MCP naming and name no MCP package or connector. They look like the application's own function tools.`,
      judgedBy: 'offline',
    };
  }
  return {
    verdict: 'not-mcp',
    confidence: 0.8,
    servers: [],
    explanation: `${label} The request offers the model no tools and configures no MCP connector. A request without tools cannot call an MCP server.`,
    judgedBy: 'offline',
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
