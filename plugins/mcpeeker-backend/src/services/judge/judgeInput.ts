import {
  canonicalJson,
  GatewayEvent,
  MAX_SNIPPET_LENGTH,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';
import { z } from 'zod';

/** What the Judge reads of one gateway request: no more than the event carries. */
export interface JudgeInput {
  /** A redacted excerpt of the request, at most 1 KB. */
  excerpt: string;
  toolNames: string[];
  toolDefinitions: Array<{ name: string; hash: string }>;
  mcpServers: Array<{ name: string; url?: string }>;
  model?: string;
}

/** The body of `POST /judge/classify`: the request part of a gateway event. */
export const judgeInputSchema = z
  .object({
    excerpt: z.string().max(MAX_SNIPPET_LENGTH).default(''),
    toolNames: z.array(z.string().min(1).max(256)).max(1000).default([]),
    toolDefinitions: z
      .array(
        z
          .object({
            name: z.string().min(1).max(256),
            hash: z
              .string()
              .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
          })
          .strict(),
      )
      .max(1000)
      .default([]),
    mcpServers: z
      .array(
        z
          .object({
            name: z.string().min(1).max(256),
            url: z.string().max(4096).optional(),
          })
          .strict(),
      )
      .max(200)
      .default([]),
    model: z.string().max(128).optional(),
  })
  .strict();

export function judgeInputOf(event: GatewayEvent): JudgeInput {
  const r = event.request;
  return {
    excerpt: r.excerpt ?? '',
    toolNames: r.toolNames,
    toolDefinitions: r.toolDefinitions ?? [],
    mcpServers: r.mcpServers,
    ...(r.model ? { model: r.model } : {}),
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
