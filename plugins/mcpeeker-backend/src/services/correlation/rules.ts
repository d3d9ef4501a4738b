import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, YAMLMap } from 'yaml';
import { z } from 'zod';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';

/** A rule that fired on an event: kept on the finding as a tag and a reason. */
export interface RuleHit {
  id: string;
  name: string;
  severity: 'low' | 'medium' | 'high';
  tags: string[];
}

const patterns = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
]);
const ports = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d+-\d+$/, 'must be a port or a range like 8000-8999'),
]);

const ruleSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/,
        'must be letters, digits, dots, dashes or underscores',
      ),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    layer: z.enum(['endpoint', 'network', 'gateway', 'any']).default('any'),
    match: z
      .object({
        source: patterns.optional(),
        client: patterns.optional(),
        command: patterns.optional(),
        package: patterns.optional(),
        path: patterns.optional(),
        serverName: patterns.optional(),
        url: patterns.optional(),
        port: z.union([ports, z.array(ports).min(1)]).optional(),
        method: patterns.optional(),
        tool: patterns.optional(),
      })
      .strict()
      .refine(m => Object.keys(m).length > 0, 'needs at least one condition'),
    tags: z
      .array(
        z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9-]{0,63}$/,
            'tags are lowercase words with dashes',
          ),
      )
      .default([]),
    severity: z.enum(['low', 'medium', 'high']).default('low'),
  })
  .strict();

type Rule = z.infer<typeof ruleSchema> & { file: string };

/** A rule file that cannot be used. Stops the backend at start, naming file, line and reason. */
export class RuleFileError extends Error {
  constructor(file: string, line: number | undefined, reason: string) {
    super(
      `Invalid MCPeeker rule file ${file}${
        line ? `, line ${line}` : ''
      }: ${reason}`,
    );
    this.name = 'RuleFileError';
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Reads and checks every rule file: the shipped community rules and operator folders. */
export function loadRules(files: string[]): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      throw new RuleFileError(
        file,
        lineCounter.linePos(error.pos[0]).line,
        error.message.split('\n')[0],
      );
    }
    const root = doc.contents;
    const list = isMap(root) ? (root as YAMLMap).get('rules', true) : undefined;
    if (!isSeq(list)) {
      throw new RuleFileError(file, 1, 'expected a top-level "rules:" list');
    }
    list.items.forEach((node: any, index: number) => {
      const line = node?.range
        ? lineCounter.linePos(node.range[0]).line
        : undefined;
      const parsed = ruleSchema.safeParse(node?.toJSON?.() ?? node);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RuleFileError(
          file,
          line,
          `rule ${index + 1}: ${issue.path.join('.') || 'rule'} ${
            issue.message
          }`,
        );
      }
      const other = seen.get(parsed.data.id);
      if (other)
        throw new RuleFileError(
          file,
          line,
          `rule id ${parsed.data.id} is already defined in ${other}`,
        );
      seen.set(parsed.data.id, file);
      rules.push({ ...parsed.data, file });
    });
  }
  return rules;
}

/** Rule files of a folder, in name order. */
export function ruleFilesIn(directory: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch (error) {
    throw new RuleFileError(
      directory,
      undefined,
      `cannot list the rules folder (${
        (error as NodeJS.ErrnoException).code ?? (error as Error).message
      })`,
    );
  }
  return names
    .filter(n => /\.ya?ml$/i.test(n))
    .sort()
    .map(n => path.join(directory, n));
}

/** What of an event the rules can look at, per condition. */
function facts(event: McpEvent): Record<string, Array<string | number>> {
  if (event.layer === 'endpoint') {
    const d = event.detection;
    const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
    switch (d.source) {
      case 'config':
        return {
          source: ['config'],
          client: [d.client],
          command: d.command ? [base(d.command)] : [],
          package: (d.args ?? []).filter(a => !a.startsWith('-')),
          path: [d.configPath],
          serverName: [d.serverName],
          url: d.url ? [d.url] : [],
        };
      case 'process':
        return {
          source: ['process'],
          command: [base(d.command)],
          package: d.args
            .filter(a => !a.startsWith('-'))
            .flatMap(a => [a, base(a)]),
          client: d.parentClient ? [d.parentClient] : [],
        };
      case 'port':
        return {
          source: ['port'],
          port: [d.port],
          url: [d.url],
          serverName: [d.serverInfo.name],
        };
      default:
        return {
          source: ['manifest'],
          path: [d.manifestPath],
          serverName: [d.serverName],
          package: d.packageId ? [d.packageId] : [],
        };
    }
  }
  if (event.layer === 'network') {
    return {
      port: [event.flow.dstPort],
      method: event.mcp.method ? [event.mcp.method] : [],
      serverName: event.mcp.serverInfo ? [event.mcp.serverInfo.name] : [],
    };
  }
  return {
    tool: event.request.toolNames,
    serverName: event.request.mcpServers.map(s => s.name),
    url: event.request.mcpServers.flatMap(s => (s.url ? [s.url] : [])),
  };
}

function portMatches(port: number, spec: number | string) {
  if (typeof spec === 'number') return port === spec;
  const [lo, hi] = spec.split('-').map(Number);
  return port >= lo && port <= hi;
}

/** The signature engine: which rules an event fires. All conditions must hold; within one, any value. */
export class RuleEngine {
  private readonly compiled: Array<{
    rule: Rule;
    conditions: Array<(f: Record<string, Array<string | number>>) => boolean>;
  }>;

  constructor(readonly rules: Rule[]) {
    this.compiled = rules.map(rule => ({
      rule,
      conditions: Object.entries(rule.match).map(([field, spec]) => {
        if (field === 'port') {
          const specs = Array.isArray(spec) ? spec : [spec];
          return (f: Record<string, Array<string | number>>) =>
            (f.port ?? []).some(p =>
              specs.some(s => portMatches(Number(p), s as number | string)),
            );
        }
        const regexps = (Array.isArray(spec) ? spec : [spec]).map(s =>
          globToRegExp(String(s)),
        );
        return (f: Record<string, Array<string | number>>) =>
          (f[field] ?? []).some(v => regexps.some(r => r.test(String(v))));
      }),
    }));
  }

  evaluate(event: McpEvent): RuleHit[] {
    const f = facts(event);
    return this.compiled
      .filter(
        ({ rule, conditions }) =>
          (rule.layer === 'any' || rule.layer === event.layer) &&
          conditions.every(c => c(f)),
      )
      .map(({ rule }) => ({
        id: rule.id,
        name: rule.name,
        severity: rule.severity,
        tags: rule.tags,
      }));
  }
}
