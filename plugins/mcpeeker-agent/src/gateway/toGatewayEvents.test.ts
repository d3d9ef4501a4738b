import fs from 'node:fs';
import path from 'node:path';
import {
  canonicalJson,
  compositeId,
  GatewayEvent,
  hashIdentifier,
  sha256Hex,
  validateEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { LogFormat, readLogLine } from './readLogLine';
import { toGatewayEvents } from './toGatewayEvents';

const SALT = 'gateway-test-salt-0123456789';
const NOW = new Date('2026-12-01T08:00:00.000Z');
const context = {
  salt: SALT,
  sensor: { id: 'gw-test', version: '0.1.0' },
  now: () => NOW,
};

function fixtureLines(name: string): string[] {
  return fs
    .readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8')
    .split('\n')
    .filter(Boolean);
}

/** The events of one log line, each checked against the common schema. */
function eventsOf(line: string, format: LogFormat = 'auto'): GatewayEvent[] {
  const outcome = readLogLine(line, format);
  if (!('request' in outcome))
    throw new Error(`skipped: ${outcome.skipped} ${outcome.detail ?? ''}`);
  const events = toGatewayEvents(outcome.request, context);
  for (const event of events) {
    expect(validateEvent(JSON.parse(JSON.stringify(event)))).toEqual({
      success: true,
      event: expect.anything(),
    });
    // The Judge is the backend's: an adapter never claims a verdict.
    expect(event).not.toHaveProperty('judge');
    expect(event).not.toHaveProperty('judgeUnavailable');
    expect(event.request.excerpt!.length).toBeLessThanOrEqual(1024);
  }
  return events;
}

const anthropicDefinitionHash = (tool: {
  name: string;
  description?: string;
  input_schema?: unknown;
}) =>
  // The one formula every layer hashes a tool with (toolDefinitionHash in
  // common): bare name, description, input schema.
  sha256Hex(
    canonicalJson({
      name: tool.name.replace(/^mcp__.+?__/, ''),
      description: tool.description ?? '',
      inputSchema: tool.input_schema ?? {},
    }),
  );

describe('Anthropic Messages API requests', () => {
  const [connector, claudeCode, weather, legacyConnector, plain] = fixtureLines(
    'anthropic-messages.jsonl',
  );

  it('an MCP connector request: one event for its server, identified by its URL, the token nowhere', () => {
    const [event] = eventsOf(connector);
    expect(event.compositeId).toBe(
      compositeId({
        processSignature: 'https://example-server.modelcontextprotocol.io/sse',
      }),
    );
    expect(event.request).toMatchObject({
      api: 'anthropic-messages',
      model: 'claude-sonnet-4-5',
      toolNames: [],
      mcpServers: [
        {
          name: 'example-mcp',
          url: 'https://example-server.modelcontextprotocol.io/sse',
        },
      ],
    });
    // No id in a bare body: one derived from its content, so a resend is the same request.
    expect(event.request.requestId).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(eventsOf(connector)[0].eventId).toBe(event.eventId);
    expect(event.observedAt).toBe(NOW.toISOString());
    expect(JSON.stringify(event)).not.toContain('YOUR_TOKEN');
    expect(event.request.excerpt).toContain(
      'MCP server example-mcp at https://example-server.modelcontextprotocol.io/sse',
    );
  });

  it('a Claude Code request through a proxy: one event per MCP server named in its tools, same request id, the user hashed', () => {
    const events = eventsOf(claudeCode);
    expect(events).toHaveLength(2);
    const [github, linear] = events;
    const body = JSON.parse(claudeCode).body;
    expect(github.compositeId).toBe(
      compositeId({ processSignature: 'gateway:github' }),
    );
    expect(linear.compositeId).toBe(
      compositeId({ processSignature: 'gateway:linear' }),
    );
    for (const event of events) {
      expect(event.request.requestId).toBe('req_011CUr5qV2h9m8Nw3kYzTb7e');
      expect(event.observedAt).toBe('2026-11-21T10:00:00.000Z');
      // The envelope's user, hashed as host ids are; never in clear.
      expect(event.request.userIdHash).toBe(
        hashIdentifier('dana@acme.example', SALT),
      );
      expect(JSON.stringify(event)).not.toContain('dana@acme.example');
    }
    expect(github.request.toolNames).toEqual([
      'mcp__github__create_issue',
      'mcp__github__list_issues',
    ]);
    expect(github.request.mcpServers).toEqual([{ name: 'github' }]);
    expect(github.request.toolDefinitions).toEqual(
      body.tools
        .filter((t: any) => t.name.startsWith('mcp__github__'))
        .map((t: any) => ({ name: t.name, hash: anthropicDefinitionHash(t) })),
    );
    expect(linear.request.toolNames).toEqual(['mcp__linear__create_issue']);
    // What the Judge reads: model, server, tools, the rest by name, the user's ask.
    expect(github.request.excerpt).toBe(
      [
        'anthropic-messages request to claude-sonnet-4-5',
        'MCP server github',
        '- mcp__github__create_issue: Create a new issue in a GitHub repository',
        '- mcp__github__list_issues: List issues in a GitHub repository with filtering options',
        'other MCP servers: linear',
        'other tools: Bash, mcp__linear__create_issue',
        'user: Open an issue for the flaky login test in acme/web and mirror it in Linear.',
      ].join('\n'),
    );
  });

  it('metadata.user_id is the caller when there is no envelope', () => {
    const body = JSON.parse(claudeCode).body;
    const [event] = eventsOf(JSON.stringify(body));
    expect(event.request.userIdHash).toBe(
      hashIdentifier(body.metadata.user_id, SALT),
    );
  });

  it('tools but no MCP server: one event keyed by the tool set, for the Judge to classify', () => {
    const [event] = eventsOf(weather);
    const tool = JSON.parse(weather).tools[0];
    expect(event.compositeId).toBe(
      compositeId({
        processSignature: `gateway:tools:${sha256Hex(
          canonicalJson(['get_weather']),
        ).slice(0, 16)}`,
      }),
    );
    expect(event.request).toMatchObject({
      toolNames: ['get_weather'],
      toolDefinitions: [
        { name: 'get_weather', hash: anthropicDefinitionHash(tool) },
      ],
      mcpServers: [],
    });
    expect(event.request.excerpt).toContain('no MCP server named');
  });

  it('the first connector beta: allowed tools and mcp_tool_use blocks belong to their server', () => {
    const [event] = eventsOf(legacyConnector);
    expect(event.request.toolNames).toEqual([
      'example_tool_1',
      'example_tool_2',
    ]);
    expect(event.request.mcpServers).toEqual([
      { name: 'example-mcp', url: 'https://mcp.example.com/sse' },
    ]);
    expect(event.request.excerpt).toContain(
      'user: Use example_tool_1 on the latest report.',
    );
  });

  it('a request without tools or servers is no event', () => {
    expect(readLogLine(plain, 'auto')).toEqual({ skipped: 'no tools' });
  });
});

describe('OpenAI chat completions requests', () => {
  const [fn, mcpClient, plain] = fixtureLines('openai-chat.jsonl');

  it("the function calling guide's request: a tool-set event, definitions hashed with parameters, user hashed", () => {
    const [event] = eventsOf(fn);
    const body = JSON.parse(fn);
    const { name, description, parameters } = body.tools[0].function;
    expect(event.request).toMatchObject({
      api: 'openai-chat',
      model: 'gpt-4.1',
      toolNames: ['get_weather'],
      toolDefinitions: [
        {
          name: 'get_weather',
          hash: sha256Hex(
            canonicalJson({ name, description, inputSchema: parameters }),
          ),
        },
      ],
      userIdHash: hashIdentifier('user_123456', SALT),
    });
  });

  it('an MCP client through the gateway: its server from the tool names, calls in tool_calls counted', () => {
    const [event] = eventsOf(mcpClient);
    expect(event.compositeId).toBe(
      compositeId({ processSignature: 'gateway:filesystem' }),
    );
    expect(event.request).toMatchObject({
      requestId: 'chatcmpl-proxy-7f3a1c',
      toolNames: [
        'mcp__filesystem__read_file',
        'mcp__filesystem__list_directory',
      ],
      mcpServers: [{ name: 'filesystem' }],
      userIdHash: hashIdentifier('sam@acme.example', SALT),
    });
    // 10:05 at +01:00
    expect(event.observedAt).toBe('2026-11-21T09:05:00.000Z');
  });

  it('forced to the wrong API, a line is still read by its tools’ shape', () => {
    expect(eventsOf(mcpClient, 'anthropic')[0].request.api).toBe(
      'anthropic-messages',
    );
  });

  it('a request without tools is no event', () => {
    expect(readLogLine(plain, 'openai')).toEqual({ skipped: 'no tools' });
  });
});

describe("LiteLLM's StandardLoggingPayload", () => {
  const [weather, claude, responses, embedding] = fixtureLines(
    'litellm-standard-logging-payload.jsonl',
  );

  it('tools from model_parameters, the id and startTime of the payload, the key owner as caller', () => {
    const [event] = eventsOf(weather);
    expect(event.request).toMatchObject({
      api: 'litellm',
      requestId: 'chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2227f',
      model: 'gpt-4o',
      toolNames: ['get_current_weather'],
      userIdHash: hashIdentifier('dana', SALT),
      mcpServers: [],
    });
    expect(event.observedAt).toBe(
      new Date(1795255200.123 * 1000).toISOString(),
    );
    // Key hashes, addresses and the API base are not read.
    const text = JSON.stringify(event);
    for (const unread of [
      '88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b',
      '10.1.2.3',
      'dana-laptop',
    ])
      expect(text).not.toContain(unread);
  });

  it('an Anthropic-style call: mcp__ tools name the server; end_user is the caller when the key has no user', () => {
    const [event] = eventsOf(claude);
    expect(event.compositeId).toBe(
      compositeId({ processSignature: 'gateway:github' }),
    );
    expect(event.request.userIdHash).toBe(hashIdentifier('sam', SALT));
  });

  it("MCP tools of LiteLLM's gateway: one event per server, a URL where the request gives one", () => {
    const events = eventsOf(responses);
    expect(events.map(e => e.request.mcpServers)).toEqual([
      [{ name: 'deepwiki', url: 'https://mcp.deepwiki.com/mcp' }],
      [{ name: 'litellm' }],
    ]);
    expect(events.map(e => e.compositeId)).toEqual([
      compositeId({ processSignature: 'https://mcp.deepwiki.com/mcp' }),
      compositeId({ processSignature: 'gateway:litellm' }),
    ]);
    expect(events[0].request.toolNames).toEqual(['ask_question']);
  });

  it('an embedding call is no event', () => {
    expect(readLogLine(embedding, 'litellm')).toEqual({ skipped: 'no tools' });
  });
});

describe('lines that are not requests', () => {
  it.each([
    ['{not json', 'auto', { skipped: 'not JSON' }],
    [
      '[1,2]',
      'auto',
      { skipped: 'unknown format', detail: 'not a JSON object' },
    ],
    [
      '{"hello":"world"}',
      'auto',
      {
        skipped: 'unknown format',
        detail:
          'not an Anthropic Messages request, an OpenAI chat completions request or a LiteLLM StandardLoggingPayload',
      },
    ],
    [
      '{"model":"gpt-4.1"}',
      'openai',
      {
        skipped: 'unknown format',
        detail: 'not an OpenAI chat completions request: no messages list',
      },
    ],
    [
      '{"messages":[]}',
      'litellm',
      {
        skipped: 'unknown format',
        detail: 'not a LiteLLM StandardLoggingPayload: no call_type',
      },
    ],
    [
      '{"body":{"messages":[],"tools":[{"type":"function","function":{"name":42}}]}}',
      'auto',
      {
        skipped: 'bad field',
        detail: 'body.tools[0].function.name: expected a string',
      },
    ],
    [
      '{"messages":[],"tools":{"name":"x"}}',
      'auto',
      { skipped: 'bad field', detail: 'tools: expected a list' },
    ],
    [
      '{"request_id":"r1","timestamp":"yesterday","body":{"messages":[]}}',
      'auto',
      {
        skipped: 'bad field',
        detail:
          'timestamp: expected an ISO 8601 date-time with an offset, like 2026-11-21T10:00:00Z',
      },
    ],
    [
      '{"id":"x","call_type":"acompletion","startTime":"noon","model_parameters":{"tools":[{"name":"a"}]}}',
      'auto',
      {
        skipped: 'bad field',
        detail: 'startTime: expected seconds since the epoch',
      },
    ],
    [
      `${'['.repeat(200)}${']'.repeat(200)}`,
      'auto',
      { skipped: 'nested too deep' },
    ],
    [
      '{"messages":[],"mcp_servers":[{"type":"url","url":"https://a.example/mcp","name":"a"}],"tools":[{"type":"function","function":{"name":"f"}}]}',
      'auto',
      {
        skipped: 'unknown format',
        detail:
          "has as many marks of the Anthropic Messages API as of OpenAI's chat completions: use --format",
      },
    ],
  ])('%s (--format %s)', (line, format, outcome) => {
    expect(readLogLine(line, format as LogFormat)).toEqual(outcome);
  });

  it('a JSON parse error never quotes the line', () => {
    expect(readLogLine('{"token": "ghp_abc', 'auto')).toEqual({
      skipped: 'not JSON',
    });
  });
});
