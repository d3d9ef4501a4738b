import fs from 'node:fs/promises';
import path from 'node:path';
import { MCP_PROJECT_PACKAGES } from '@mcpeeker/plugin-mcpeeker-common';

/** One process as the OS lists it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** argv; from `ps`/PowerShell listings, the command line split on spaces. */
  argv: string[];
  /** Short process name (`comm`), when known. */
  name?: string;
}

/** What makes a process an MCP server, most specific first. */
const SERVER_PATTERNS: Array<{
  test: RegExp;
  confidence: number;
  transport?: 'stdio' | 'http' | 'sse';
  what: string;
}> = [
  {
    test: /(^|[\s/])mcp-remote(@[\w.-]+)?(\s|$)/,
    confidence: 0.95,
    transport: 'stdio',
    what: 'mcp-remote bridge',
  },
  {
    test: /\bdocker\s+mcp\s+gateway\s+run\b/,
    confidence: 0.95,
    what: 'Docker MCP gateway',
  },
  {
    test: /\bmcpgateway\.translate\b/,
    confidence: 0.9,
    what: 'MCP gateway translate bridge',
  },
  { test: /(^|[\s/])thv\s+run\b/, confidence: 0.85, what: 'ToolHive' },
  {
    test: /(^|[\s/])(supergateway|mcp-proxy)(@[\w.-]+)?(\s|$)/,
    confidence: 0.9,
    what: 'MCP proxy',
  },
  {
    // The MCP project's own scope (common's MCP_PROJECT_PACKAGES), not a look-alike.
    test: new RegExp(
      `(^|[\\s/\\\\"'=])${MCP_PROJECT_PACKAGES.npmScope}/server-[\\w.-]+`,
    ),
    confidence: 0.95,
    what: 'reference MCP server package',
  },
  {
    test: /(^|[\s/@])mcp-server-[\w.-]+/,
    confidence: 0.9,
    what: 'mcp-server-* package',
  },
  {
    test: /[\w.-]+-mcp-server(@[\w.-]+)?(\s|\/|$)/,
    confidence: 0.9,
    what: '*-mcp-server package',
  },
  {
    test: /(^|\s)(-m\s+)?(fastmcp|mcp)\s+run\b/,
    confidence: 0.85,
    what: 'MCP SDK runner',
  },
  {
    test: /(^|[\s/])(mcp\/[\w.-]+)(:[\w.-]+)?(\s|$)/,
    confidence: 0.8,
    what: 'mcp/* container image',
  },
  {
    test: /(^|[\s/@])[\w.-]+[-_]mcp(@[\w.-]+)?(\s|$)/,
    confidence: 0.7,
    what: '*-mcp package',
  },
];

const LAUNCHERS: Array<[RegExp, string]> = [
  [/^(npx|npx\.cmd)$/, 'npx'],
  [/^(uvx|uvx\.exe)$/, 'uvx'],
  [/^bunx$/, 'bunx'],
  [/^pipx$/, 'pipx'],
  [/^docker$/, 'docker run'],
  [/^deno$/, 'deno'],
  [/^node(\.exe)?$/, 'node'],
  [/^python(3(\.\d+)?)?(\.exe)?$/, 'python'],
  [/^uv$/, 'uv'],
];

/** MCP clients, by process name, for telling who started a server. */
const CLIENT_PROCESSES: Array<[RegExp, string]> = [
  // Claude Code's CLI is `claude`; the desktop app's binaries are `Claude`, `Claude Helper`, `claude.exe`.
  [/^claude$/, 'claude-code'],
  [/claude/i, 'claude-desktop'],
  [/cursor/i, 'cursor'],
  [/windsurf/i, 'windsurf'],
  [
    /^code(-insiders)?$|^Code( - Insiders)?( Helper.*)?$|^code-oss$|codium/i,
    'vscode',
  ],
  [/^zed(-editor)?$/i, 'zed'],
  [/^goose(d)?$/i, 'goose'],
  [/^codex$/i, 'codex'],
  [/^gemini$/i, 'gemini-cli'],
  [/^opencode$/i, 'opencode'],
  [/^kiro$/i, 'kiro'],
  [/^trae$/i, 'trae'],
  [/lm ?studio/i, 'lm-studio'],
  [/^copilot$/i, 'copilot-cli'],
];

export interface ProcessFinding {
  pid: number;
  /** The parent's pid: for grouping a wrapper and the server it starts; never sent. */
  ppid: number;
  command: string;
  args: string[];
  confidence: number;
  transport?: 'stdio' | 'http' | 'sse';
  launcher?: string;
  parentClient?: string;
  /** Why it is one, in words. */
  reason: string;
}

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

/**
 * Decides which processes are MCP servers. A launcher alone (`npx`, `node`)
 * says nothing; a server package, bridge or gateway pattern does. The
 * process's parent chain names the client that started it, when it is one.
 */
export function classifyProcesses(
  processes: ProcessInfo[],
  options: { selfPid?: number } = {},
): ProcessFinding[] {
  const byPid = new Map(processes.map(p => [p.pid, p]));
  const findings: ProcessFinding[] = [];
  for (const proc of processes) {
    if (proc.pid === options.selfPid || proc.argv.length === 0) continue;
    // Windows paths match the same patterns as POSIX ones.
    const commandLine = proc.argv.join(' ').replace(/\\/g, '/');
    // The agent itself is not a server.
    if (
      proc.argv.slice(0, 2).some(a => /^mcpeeker-agent(\.cjs)?$/.test(base(a)))
    )
      continue;
    const match = SERVER_PATTERNS.find(p => p.test.test(commandLine));
    if (!match) continue;
    const exe = base(proc.argv[0]);
    if (/^(bash|sh|zsh|fish|grep|rg|tail|less|vim|nano|cat|ps)$/.test(exe))
      continue;
    const launcher =
      /^npm(\.cmd)?$/.test(exe) && /^(exec|x)$/.test(proc.argv[1] ?? '')
        ? 'npm exec'
        : LAUNCHERS.find(([re]) => re.test(exe))?.[1];
    let parentClient: string | undefined;
    let parent = byPid.get(proc.ppid);
    for (let depth = 0; parent && depth < 6 && !parentClient; depth++) {
      const name = (parent.name ?? base(parent.argv[0] ?? '')).replace(
        /\.exe$/i,
        '',
      );
      parentClient = CLIENT_PROCESSES.find(([re]) => re.test(name))?.[1];
      parent = byPid.get(parent.ppid);
    }
    findings.push({
      pid: proc.pid,
      ppid: proc.ppid,
      command: proc.argv[0],
      args: proc.argv.slice(1),
      confidence: match.confidence,
      ...(match.transport ? { transport: match.transport } : {}),
      ...(launcher ? { launcher } : {}),
      ...(parentClient ? { parentClient } : {}),
      reason: match.what,
    });
  }
  return findings;
}

/**
 * argv from the contents of `/proc/<pid>/cmdline`: NUL-separated arguments.
 * A process that rewrote its title (`npm exec`/`npx` set `process.title`)
 * leaves one string, e.g. `npm exec @scope/pkg arg`, then NUL padding up to
 * the length of its original arguments: the padding is dropped and the title
 * split on whitespace.
 */
export function argvFromCmdline(cmdline: string): string[] {
  const parts = cmdline.split('\0');
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  const argv = parts.slice(0, end);
  // Padded (more than the one terminating NUL), or no terminating NUL at all: a rewritten title.
  const rewritten = parts.length - end > 1 || (end > 0 && end === parts.length);
  if (argv.length === 1 && rewritten && /\s/.test(argv[0])) {
    return argv[0].split(/\s+/).filter(a => a !== '');
  }
  return argv;
}

/** Every process on Linux, from /proc (cmdline, stat). Unreadable ones are skipped. */
export async function listLinuxProcesses(
  procDir = '/proc',
): Promise<ProcessInfo[]> {
  const processes: ProcessInfo[] = [];
  for (const entry of await fs.readdir(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [cmdline, stat] = await Promise.all([
        fs.readFile(path.join(procDir, entry, 'cmdline'), 'utf8'),
        fs.readFile(path.join(procDir, entry, 'stat'), 'utf8'),
      ]);
      const argv = argvFromCmdline(cmdline);
      // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      processes.push({ pid: Number(entry), ppid, argv, name });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return processes;
}

/** Parses `ps -axo pid=,ppid=,comm=,args=`-style output (macOS, recorded listings). */
export function parsePsOutput(text: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const argv = match[3].trim().split(/\s+/);
    processes.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      argv,
      name: base(argv[0]),
    });
  }
  return processes;
}

/** Parses PowerShell `Get-CimInstance Win32_Process | Select ProcessId,ParentProcessId,Name,CommandLine | ConvertTo-Json`. */
export function parseWin32ProcessJson(text: string): ProcessInfo[] {
  const parsed = JSON.parse(text);
  const rows: any[] = Array.isArray(parsed) ? parsed : [parsed];
  return rows
    .filter(r => r && typeof r.ProcessId === 'number')
    .map(r => {
      const commandLine: string = r.CommandLine ?? '';
      const argv = (commandLine.match(/"[^"]*"|\S+/g) ?? []).map(a =>
        a.replace(/^"|"$/g, ''),
      );
      return {
        pid: r.ProcessId,
        ppid: r.ParentProcessId ?? 0,
        argv,
        name: r.Name,
      };
    });
}
