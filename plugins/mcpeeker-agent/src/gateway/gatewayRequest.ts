import {
  canonicalJson,
  sha256Hex,
  toolDefinitionHash,
  type GatewayEvent,
} from '@mcpeeker/plugin-mcpeeker-common';

/** The API a logged request was made to, as gateway events name it. */
export type GatewayApi = NonNullable<GatewayEvent['request']['api']>;

/** A tool the request defines for the model. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** `sha256Hex(canonicalJson({ name, description, input_schema | parameters }))`. */
  hash: string;
}

/** An MCP server the request names, with the names of its tools it names. */
export interface NamedMcpServer {
  name: string;
  /** As the request has it: normalised and redacted when it becomes an event. */
  url?: string;
  toolNames: string[];
}

/**
 * One LLM request as MCPeeker reads it, whatever API it was made to: the
 * tools it defines and calls, the MCP servers it names, who made it.
 */
export interface GatewayRequest {
  api: GatewayApi;
  /** The log's id of the request; absent when the log has none. */
  requestId?: string;
  /** When the gateway saw it (ISO 8601), when the log says. */
  observedAt?: string;
  /** The caller as the gateway logged it; only its salted hash leaves. */
  userId?: string;
  model?: string;
  tools: ToolDefinition[];
  /** Names of tools called in the conversation so far (`tool_use`, `tool_calls`). */
  calledToolNames: string[];
  servers: NamedMcpServer[];
  /** The start of the last user message with text. */
  lastUserText?: string;
  /** SHA-256 of the request body: its id when the log gives none. */
  contentHash: string;
}

/** A field of a logged request that is not what its API documents. */
export class RequestFieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, absent when null, missing or empty. */
export function optionalString(
  object: JsonObject,
  key: string,
  field: string,
): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new RequestFieldError(field, 'expected a string');
  return value === '' ? undefined : value;
}

export function requiredString(
  object: JsonObject,
  key: string,
  field: string,
): string {
  const value = optionalString(object, key, field);
  if (value === undefined)
    throw new RequestFieldError(field, 'expected a non-empty string');
  return value;
}

/** A list field; empty when null or missing. */
export function optionalList(
  object: JsonObject,
  key: string,
  field: string,
): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new RequestFieldError(field, 'expected a list');
  return value;
}

export function optionalObject(
  object: JsonObject,
  key: string,
  field: string,
): JsonObject | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw new RequestFieldError(field, 'expected an object');
  return value;
}

/** `mcp__<server>__<tool>`: how Claude Code (and clients copying it) name MCP tools. */
const MCP_TOOL_NAME = /^mcp__(.+?)__(.+)$/;

/**
 * Collects what a request says about tools and MCP servers, whichever of the
 * documented shapes it says it in, then yields the request.
 */
export class RequestBuilder {
  private readonly tools = new Map<string, ToolDefinition>();
  private readonly called = new Set<string>();
  private readonly servers = new Map<
    string,
    { url?: string; toolNames: Set<string> }
  >();
  lastUserText?: string;

  private server(name: string) {
    let server = this.servers.get(name);
    if (!server) {
      server = { toolNames: new Set() };
      this.servers.set(name, server);
    }
    return server;
  }

  private addTool(tool: ToolDefinition) {
    if (!this.tools.has(tool.name)) this.tools.set(tool.name, tool);
  }

  /** A name that only says a tool was called (a `tool_use` block, a `tool_calls` entry). */
  addCalledTool(name: unknown) {
    if (typeof name === 'string' && name !== '') this.called.add(name);
  }

  /** An MCP server by name, optionally its URL and tools of it the request names. */
  addServer(name: string, url?: string, toolNames: unknown[] = []) {
    const server = this.server(name);
    if (url !== undefined && server.url === undefined) server.url = url;
    for (const tool of toolNames)
      if (typeof tool === 'string' && tool !== '') server.toolNames.add(tool);
  }

  /**
   * A `tools` list in any of the shapes the three APIs document: Anthropic
   * client tools `{ name, description, input_schema }` and server tools
   * `{ type, name }`; the MCP connector's `{ type: "mcp_toolset",
   * mcp_server_name, configs, tools }`; OpenAI `{ type: "function",
   * function: { name, description, parameters } }` and `{ type: "custom",
   * custom: { name, description, format } }`; the remote MCP tool
   * `{ type: "mcp", server_label, server_url, allowed_tools }` of OpenAI's
   * Responses API and LiteLLM's MCP gateway (its `headers` and
   * `authorization` are never read).
   */
  addTools(list: unknown[], field: string) {
    list.forEach((tool, i) => {
      const at = `${field}[${i}]`;
      if (!isObject(tool))
        throw new RequestFieldError(at, 'expected an object');
      const type = optionalString(tool, 'type', `${at}.type`);
      if (type === 'mcp_toolset') {
        const server = requiredString(
          tool,
          'mcp_server_name',
          `${at}.mcp_server_name`,
        );
        const configs = optionalObject(tool, 'configs', `${at}.configs`) ?? {};
        const enabled = Object.entries(configs)
          .filter(
            ([, config]) => !(isObject(config) && config.enabled === false),
          )
          .map(([name]) => name);
        const defined = optionalList(tool, 'tools', `${at}.tools`).map(
          (definition, j) =>
            this.anthropicTool(definition, `${at}.tools[${j}]`, undefined),
        );
        this.addServer(server, undefined, [
          ...enabled,
          ...defined.map(d => d.name),
        ]);
        defined.forEach(d => this.addTool(d));
        return;
      }
      if (type === 'mcp') {
        const label = requiredString(
          tool,
          'server_label',
          `${at}.server_label`,
        );
        const url = optionalString(tool, 'server_url', `${at}.server_url`);
        // A list of names, or a filter `{ tool_names: [...] }`.
        let names: unknown[] = [];
        const allowed = tool.allowed_tools;
        if (Array.isArray(allowed)) names = allowed;
        else if (isObject(allowed) && Array.isArray(allowed.tool_names))
          names = allowed.tool_names;
        // LiteLLM's `litellm_proxy` stands for its own gateway, not a URL.
        this.addServer(
          label,
          url && /^https?:\/\//i.test(url) ? url : undefined,
          names,
        );
        return;
      }
      const fn = optionalObject(tool, 'function', `${at}.function`);
      if (fn) {
        const name = requiredString(fn, 'name', `${at}.function.name`);
        const description = optionalString(
          fn,
          'description',
          `${at}.function.description`,
        );
        this.addTool({
          name,
          description,
          hash: toolDefinitionHash({
            name,
            description,
            inputSchema: fn.parameters,
          }),
        });
        return;
      }
      const custom = optionalObject(tool, 'custom', `${at}.custom`);
      if (custom) {
        const name = requiredString(custom, 'name', `${at}.custom.name`);
        const description = optionalString(
          custom,
          'description',
          `${at}.custom.description`,
        );
        this.addTool({
          name,
          description,
          hash: toolDefinitionHash({
            name,
            description,
            inputSchema: { format: custom.format },
          }),
        });
        return;
      }
      this.addTool(this.anthropicTool(tool, at, type));
    });
  }

  /** OpenAI's deprecated `functions`: `{ name, description, parameters }`. */
  addFunctions(list: unknown[], field: string) {
    list.forEach((fn, i) => {
      const at = `${field}[${i}]`;
      if (!isObject(fn)) throw new RequestFieldError(at, 'expected an object');
      const name = requiredString(fn, 'name', `${at}.name`);
      const description = optionalString(
        fn,
        'description',
        `${at}.description`,
      );
      this.addTool({
        name,
        description,
        hash: toolDefinitionHash({
          name,
          description,
          inputSchema: fn.parameters,
        }),
      });
    });
  }

  /** A tool named at its top: Anthropic's client tools, and server tools known by their type. */
  private anthropicTool(
    tool: unknown,
    at: string,
    type: string | undefined,
  ): ToolDefinition {
    if (!isObject(tool)) throw new RequestFieldError(at, 'expected an object');
    const name =
      optionalString(tool, 'name', `${at}.name`) ??
      type ??
      requiredString(tool, 'name', `${at}.name`);
    const description = optionalString(
      tool,
      'description',
      `${at}.description`,
    );
    return {
      name,
      description,
      hash: toolDefinitionHash({
        name,
        description,
        inputSchema: tool.input_schema,
      }),
    };
  }

  /**
   * Anthropic's `mcp_servers`: `{ type: "url", url, name, authorization_token,
   * tool_configuration: { enabled, allowed_tools } }`. The token is never read.
   */
  addMcpServers(list: unknown[], field: string) {
    list.forEach((server, i) => {
      const at = `${field}[${i}]`;
      if (!isObject(server))
        throw new RequestFieldError(at, 'expected an object');
      const name = requiredString(server, 'name', `${at}.name`);
      const url = optionalString(server, 'url', `${at}.url`);
      const configuration = optionalObject(
        server,
        'tool_configuration',
        `${at}.tool_configuration`,
      );
      this.addServer(
        name,
        url,
        configuration
          ? optionalList(
              configuration,
              'allowed_tools',
              `${at}.tool_configuration.allowed_tools`,
            )
          : [],
      );
    });
  }

  /**
   * The conversation, read leniently (it is long and varied, and only tells
   * which tools were called and what the user asked last): Anthropic's
   * `tool_use` and `mcp_tool_use` content blocks, OpenAI's `tool_calls` and
   * deprecated `function_call`, and the text of the last user message.
   */
  addMessages(messages: unknown[]) {
    for (const message of messages) {
      if (!isObject(message)) continue;
      if (Array.isArray(message.content)) {
        for (const block of message.content) {
          if (!isObject(block)) continue;
          if (block.type === 'tool_use') this.addCalledTool(block.name);
          else if (
            block.type === 'mcp_tool_use' &&
            typeof block.server_name === 'string' &&
            block.server_name !== ''
          )
            this.addServer(block.server_name, undefined, [block.name]);
        }
      }
      if (Array.isArray(message.tool_calls)) {
        for (const call of message.tool_calls) {
          if (!isObject(call)) continue;
          if (isObject(call.function)) this.addCalledTool(call.function.name);
          else if (isObject(call.custom)) this.addCalledTool(call.custom.name);
        }
      }
      if (isObject(message.function_call))
        this.addCalledTool(message.function_call.name);
    }
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (!isObject(message) || message.role !== 'user') continue;
      const text = textOf(message.content);
      if (text.trim() !== '') {
        this.lastUserText = textStart(text.trim());
        return;
      }
    }
  }

  build(
    fields: Pick<
      GatewayRequest,
      'api' | 'requestId' | 'observedAt' | 'userId' | 'model'
    > & { body: unknown },
  ): GatewayRequest {
    // Claude Code names a server's tools mcp__<server>__<tool>, in the tools
    // it defines and in the tool_use blocks of the conversation.
    for (const name of [...this.tools.keys(), ...this.called]) {
      const match = MCP_TOOL_NAME.exec(name);
      if (match) this.addServer(match[1], undefined, [name]);
    }
    const { body, ...rest } = fields;
    return {
      ...rest,
      tools: [...this.tools.values()],
      calledToolNames: [...this.called],
      servers: [...this.servers.entries()].map(([name, server]) => ({
        name,
        ...(server.url !== undefined ? { url: server.url } : {}),
        toolNames: [...server.toolNames],
      })),
      ...(this.lastUserText ? { lastUserText: this.lastUserText } : {}),
      contentHash: sha256Hex(canonicalJson(body)),
    };
  }
}

/** A message's text: its content string, or its text blocks (Anthropic) or parts (OpenAI). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(
      (part): part is { text: string } =>
        isObject(part) && part.type === 'text' && typeof part.text === 'string',
    )
    .map(part => part.text)
    .join(' ');
}

/** How much of a long text is kept before it is redacted and cut to fit. */
const TEXT_KEPT = 2000;

/**
 * The start of a long text, cut at a space so that no credential is cut in
 * two (a part of one might not be recognisable as one any more).
 */
export function textStart(text: string, max = TEXT_KEPT): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.search(/\s\S*$/);
  return space > 0 ? cut.slice(0, space) : '';
}
