import { canonicalJson, sha256Hex } from './hashing';

/** `mcp__<server>__<tool>`: how Claude Code (and clients copying it) name an MCP server's tools to the model. */
const CLIENT_PREFIX = /^mcp__.+?__(.+)$/;

/**
 * One tool's definition, hashed the same way wherever it is seen — the
 * agent's `tools/list` probe of a listening server, or a gateway request that
 * offers the tool to a model — so a tool set pinned from one layer can be
 * compared with what another sees: SHA-256 of the canonical JSON of the
 * tool's bare name (a client's `mcp__<server>__` prefix removed), its
 * description and its input schema (MCP's `inputSchema`, Anthropic's
 * `input_schema`, OpenAI's `parameters`).
 *
 * @public
 */
export function toolDefinitionHash(tool: {
  name: string;
  description?: unknown;
  inputSchema?: unknown;
}): string {
  return sha256Hex(
    canonicalJson({
      name: bareToolName(tool.name),
      description: typeof tool.description === 'string' ? tool.description : '',
      inputSchema: tool.inputSchema ?? {},
    }),
  );
}

/** A tool's name without the `mcp__<server>__` prefix an MCP client gives it. @public */
export function bareToolName(name: string): string {
  return CLIENT_PREFIX.exec(name)?.[1] ?? name;
}
