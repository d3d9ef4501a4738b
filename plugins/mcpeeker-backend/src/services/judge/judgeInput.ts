import {
  canonicalJson,
  GatewayEvent,
  gatewayEventSchema,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';

/** What the Judge reads of one gateway request: no more than the event carries. */
export interface JudgeInput {
  /** A redacted excerpt of the request, at most 1 KB. */
  excerpt: string;
  toolNames: string[];
  toolDefinitions: Array<{ name: string; hash: string }>;
  mcpServers: Array<{ name: string; url?: string }>;
  model?: string;
}

const requestSchema = gatewayEventSchema.shape.request;

/** The body of `POST /judge/classify`: the request part of a gateway event (the event schema's own fields). */
export const judgeInputSchema = requestSchema
  .pick({
    excerpt: true,
    toolNames: true,
    toolDefinitions: true,
    mcpServers: true,
    model: true,
  })
  .extend({ toolNames: requestSchema.shape.toolNames.default([]) })
  .strict();

/** What the Judge reads of a gateway request, as an event or the classify route carries it. */
export function judgeInputOf(
  request: Pick<
    GatewayEvent['request'],
    'excerpt' | 'toolNames' | 'toolDefinitions' | 'mcpServers' | 'model'
  >,
): JudgeInput {
  return {
    excerpt: request.excerpt ?? '',
    toolNames: request.toolNames,
    toolDefinitions: request.toolDefinitions ?? [],
    mcpServers: request.mcpServers,
    ...(request.model ? { model: request.model } : {}),
  };
}

/**
 * Identical requests have one fingerprint: the excerpt with its whitespace
 * collapsed, and the tool set and servers in a fixed order. The model the
 * request went to is not part of it: the verdict is about the tools.
 */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function judgeFingerprint(input: JudgeInput): string {
  const sorted = <T>(items: T[], key: (t: T) => string) =>
    [...items].sort((a, b) => compareKeys(key(a), key(b)));
  return sha256Hex(
    canonicalJson({
      excerpt: input.excerpt.replace(/\s+/g, ' ').trim(),
      tools: [...new Set(input.toolNames)].sort(),
      definitions: sorted(input.toolDefinitions, d => `${d.name}\0${d.hash}`),
      servers: sorted(input.mcpServers, s => `${s.name}\0${s.url ?? ''}`),
    }),
  );
}
