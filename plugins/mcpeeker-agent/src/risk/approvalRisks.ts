import path from 'node:path';
import { ConfigPath, ConfigPositions, formatJsonPath } from './configPositions';
import { EntryContext, FoundFact, riskFact } from './riskFact';
import { readConfigFile } from '../scan/readConfigFile';
import type { Scope } from '../scan/clientTable';
import { plural } from '../plural';

type Obj = Record<string, any>;
const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const listed = (tools: string[]) =>
  `${tools.slice(0, 5).join(', ')}${
    tools.length > 5 ? `, … (${tools.length} in all)` : ''
  }`;

/**
 * Keys of a server entry that let its tools run without asking, as each
 * client documents them: Roo Code's `alwaysAllow`, Cline's and Kiro's
 * `autoApprove` (lists of tool names), Gemini CLI's `trust: true` (every
 * tool of the server, no confirmation).
 */
function entryApprovals({ server }: EntryContext): FoundFact[] {
  const facts: FoundFact[] = [];
  for (const key of ['alwaysAllow', 'autoApprove']) {
    const value = server.raw[key];
    if (!Array.isArray(value)) continue;
    const tools = value.filter((t): t is string => typeof t === 'string');
    if (tools.length === 0) continue;
    facts.push(
      riskFact(
        'auto-approved-tools',
        `${key} runs ${plural(tools.length, 'tool')} of '${
          server.serverName
        }' without asking: ${listed(tools)}`,
        {
          fix: `Empty ${key} for '${server.serverName}' (or keep only tools that read and never change anything) so the client asks before each call.`,
          at: [key],
        },
      ),
    );
  }
  if (server.raw.trust === true) {
    facts.push(
      riskFact(
        'auto-approved-tools',
        `trust: true runs every tool of '${server.serverName}' without asking`,
        {
          fix: `Remove "trust": true from '${server.serverName}' so Gemini CLI confirms its tool calls.`,
          at: ['trust'],
        },
      ),
    );
  }
  return facts;
}

/** A settings file that can approve tools, read once per scan. */
interface SettingsFile {
  file: string;
  doc: Obj;
  positions: ConfigPositions;
}

/** Reads each settings file once per scan; a missing or broken one approves nothing. */
export class SettingsFiles {
  private readonly files = new Map<string, Promise<SettingsFile | undefined>>();

  read(file: string): Promise<SettingsFile | undefined> {
    const resolved = path.resolve(file);
    let pending = this.files.get(resolved);
    if (!pending) {
      pending = readConfigFile(resolved, 'json').then(result =>
        result.ok && isObject(result.doc)
          ? {
              file: resolved,
              doc: result.doc,
              positions: new ConfigPositions(result.text, 'json'),
            }
          : undefined,
      );
      this.files.set(resolved, pending);
    }
    return pending;
  }
}

function locate(settings: SettingsFile, at: ConfigPath) {
  return {
    file: settings.file,
    jsonPath: formatJsonPath(at),
    ...settings.positions.positionOf(at),
  };
}

/** A key written dotted (`"chat.tools.global.autoApprove": true`) or nested. */
function setting(doc: Obj, key: string): { value: unknown; at: ConfigPath } {
  if (key in doc) return { value: doc[key], at: [key] };
  const parts = key.split('.');
  let value: unknown = doc;
  for (const part of parts) value = isObject(value) ? value[part] : undefined;
  return { value, at: parts };
}

/** The names Claude Code may give a server in `mcp__<server>__<tool>`. */
const claudeNames = (name: string) =>
  new Set([name, name.replace(/[^A-Za-z0-9_-]/g, '_')]);

function claudeCodeRules(
  settings: SettingsFile,
  serverName: string,
): FoundFact[] {
  const allow = settings.doc.permissions?.allow;
  if (!Array.isArray(allow)) return [];
  const names = claudeNames(serverName);
  const facts: FoundFact[] = [];
  allow.forEach((rule: unknown, index) => {
    if (typeof rule !== 'string') return;
    const match = /^mcp__(.+?)(?:__(.+))?$/.exec(rule);
    if (!match || !names.has(match[1])) return;
    const every = match[2] === undefined || match[2] === '*';
    facts.push(
      riskFact(
        'auto-approved-tools',
        `permissions.allow "${rule}" runs ${
          every ? 'every tool' : `the tool ${match[2]}`
        } of '${serverName}' without asking`,
        {
          fix: `Remove "${rule}" from permissions.allow in ${settings.file} (or narrow it to tools that only read) so Claude Code asks first.`,
          location: locate(settings, ['permissions', 'allow', index]),
        },
      ),
    );
  });
  return facts;
}

function cursorRules(settings: SettingsFile, serverName: string): FoundFact[] {
  const allow = settings.doc.mcpAllowlist;
  if (!Array.isArray(allow)) return [];
  const facts: FoundFact[] = [];
  allow.forEach((rule: unknown, index) => {
    if (typeof rule !== 'string') return;
    const colon = rule.indexOf(':');
    const server = colon < 0 ? rule : rule.slice(0, colon);
    const tool = colon < 0 ? '*' : rule.slice(colon + 1);
    if (server !== serverName && server !== '*') return;
    facts.push(
      riskFact(
        'auto-approved-tools',
        `mcpAllowlist "${rule}" runs ${
          tool === '*' ? 'every tool' : `the tool ${tool}`
        } of '${serverName}' without asking`,
        {
          fix: `Remove "${rule}" from mcpAllowlist in ${settings.file} (or narrow it to tools that only read) so Cursor asks first.`,
          location: locate(settings, ['mcpAllowlist', index]),
        },
      ),
    );
  });
  return facts;
}

function everyToolRule(
  settings: SettingsFile,
  keys: Array<{ key: string; equals: unknown }>,
  serverName: string,
  client: string,
): FoundFact[] {
  for (const { key, equals } of keys) {
    const { value, at } = setting(settings.doc, key);
    if (value !== equals) continue;
    return [
      riskFact(
        'auto-approved-tools',
        `${key} is ${JSON.stringify(
          equals,
        )}: every tool runs without asking, those of '${serverName}' included`,
        {
          fix: `Remove ${key} from ${settings.file} so ${client} asks before tool calls.`,
          location: locate(settings, at),
        },
      ),
    ];
  }
  return [];
}

/** Where a config file's project is, for project-scope settings next to it. */
function projectOf(configPath: string, depth: number): string {
  let dir = path.dirname(configPath);
  for (let i = 1; i < depth; i++) dir = path.dirname(dir);
  return dir;
}

export interface ApprovalTarget {
  client: string;
  configPath: string;
  scope: Scope;
  projectPath?: string;
}

/**
 * Settings files that approve a server's tools from elsewhere, as each
 * client documents them: Claude Code's `permissions.allow` (`mcp__<server>`,
 * `mcp__<server>__*`, `mcp__<server>__<tool>`) in its settings files; Cursor's
 * `mcpAllowlist` (`server:tool`, `server:*`) in `permissions.json`; VS Code's
 * `chat.tools.global.autoApprove` (earlier `chat.tools.autoApprove`) in the
 * `settings.json` beside the config; Zed's `agent.tool_permissions.default:
 * "allow"` (earlier `agent.always_allow_tool_actions: true`) in the same file.
 * User-wide files only when the home was scanned (`home`).
 */
async function settingsApprovals(
  { server, client, home }: EntryContext,
  target: ApprovalTarget,
  files: SettingsFiles,
): Promise<FoundFact[]> {
  const read = async (file: string) => files.read(file);
  const facts: FoundFact[] = [];
  const name = server.serverName;
  if (client === 'claude-code') {
    const paths: string[] = [];
    let project: string | undefined = target.projectPath;
    if (!project && target.scope === 'project')
      project = projectOf(target.configPath, 1);
    if (project)
      paths.push(
        path.join(project, '.claude', 'settings.json'),
        path.join(project, '.claude', 'settings.local.json'),
      );
    if (target.scope === 'managed')
      paths.push(
        path.join(path.dirname(target.configPath), 'managed-settings.json'),
      );
    if (home) paths.push(path.join(home, '.claude', 'settings.json'));
    for (const file of paths) {
      const settings = await read(file);
      if (settings) facts.push(...claudeCodeRules(settings, name));
    }
  } else if (client === 'cursor') {
    const paths: string[] = [];
    if (target.scope === 'project')
      paths.push(
        path.join(
          projectOf(target.configPath, 2),
          '.cursor',
          'permissions.json',
        ),
      );
    if (home) paths.push(path.join(home, '.cursor', 'permissions.json'));
    for (const file of paths) {
      const settings = await read(file);
      if (settings) facts.push(...cursorRules(settings, name));
    }
  } else if (client === 'vscode') {
    const settings = await read(
      path.join(path.dirname(target.configPath), 'settings.json'),
    );
    if (settings)
      facts.push(
        ...everyToolRule(
          settings,
          [
            { key: 'chat.tools.global.autoApprove', equals: true },
            { key: 'chat.tools.autoApprove', equals: true },
          ],
          name,
          'VS Code',
        ),
      );
  } else if (client === 'zed') {
    const settings = await read(target.configPath);
    if (settings)
      facts.push(
        ...everyToolRule(
          settings,
          [
            { key: 'agent.tool_permissions.default', equals: 'allow' },
            { key: 'agent.always_allow_tool_actions', equals: true },
          ],
          name,
          'Zed',
        ),
      );
  }
  return facts;
}

/** `auto-approved-tools`: the entry's own keys and the client settings that approve its tools. */
export async function approvalRisks(
  context: EntryContext,
  target: ApprovalTarget,
  files: SettingsFiles,
): Promise<FoundFact[]> {
  return [
    ...entryApprovals(context),
    ...(await settingsApprovals(context, target, files)),
  ];
}
