import { exceedsJsonDepth } from '@mcpeeker/plugin-mcpeeker-common';
import { readAnthropicMessagesRequest } from './anthropicMessages';
import {
  GatewayApi,
  GatewayRequest,
  isObject,
  JsonObject,
  RequestFieldError,
} from './gatewayRequest';
import { readLiteLlmPayload } from './litellmPayload';
import { isEnvelope, LogEnvelope, readEnvelope } from './logEnvelope';
import { readOpenAiChatRequest } from './openaiChat';

/** Which log the lines come from; `auto` decides line by line. */
export type LogFormat = 'auto' | 'anthropic' | 'openai' | 'litellm';

export const LOG_FORMATS: LogFormat[] = [
  'auto',
  'anthropic',
  'openai',
  'litellm',
];

/** Why a line became no event, as the summary counts it. */
export type SkipReason =
  | 'not JSON'
  | 'line too long'
  | 'nested too deep'
  | 'unknown format'
  | 'bad field'
  | 'no tools'
  | 'not an event';

export type LineOutcome =
  | { request: GatewayRequest }
  | { skipped: SkipReason; detail?: string };

/**
 * Fields only one of the two chat APIs has, or shapes only one uses: a
 * request is read as the API whose marks it carries.
 */
function chatApiMarks(body: JsonObject): { anthropic: number; openai: number } {
  let anthropic = 0;
  let openai = 0;
  for (const key of ['mcp_servers', 'system', 'stop_sequences', 'top_k'])
    if (body[key] !== undefined) anthropic++;
  for (const key of [
    'functions',
    'user',
    'safety_identifier',
    'max_completion_tokens',
    'response_format',
    'frequency_penalty',
    'presence_penalty',
    'logit_bias',
    'n',
  ])
    if (body[key] !== undefined) openai++;
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (!isObject(tool)) continue;
    if (
      isObject(tool.function) ||
      isObject(tool.custom) ||
      tool.type === 'function' ||
      tool.type === 'mcp'
    )
      openai++;
    else if (tool.type === 'mcp_toolset' || typeof tool.name === 'string')
      anthropic++;
  }
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObject(message)) continue;
    if (
      ['system', 'developer', 'tool', 'function'].includes(String(message.role))
    )
      openai++;
    if (message.tool_calls !== undefined || message.function_call !== undefined)
      openai++;
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (!isObject(block)) continue;
      if (
        [
          'tool_use',
          'tool_result',
          'mcp_tool_use',
          'mcp_tool_result',
          'thinking',
        ].includes(String(block.type))
      )
        anthropic++;
      if (['image_url', 'input_audio'].includes(String(block.type))) openai++;
    }
  }
  return { anthropic, openai };
}

const NAMES: Record<Exclude<LogFormat, 'auto'>, string> = {
  anthropic: 'an Anthropic Messages request',
  openai: 'an OpenAI chat completions request',
  litellm: 'a LiteLLM StandardLoggingPayload',
};

function readChatRequest(
  line: JsonObject,
  format: LogFormat,
): GatewayRequest | { skipped: SkipReason; detail: string } {
  const wrapped = isEnvelope(line);
  const body = wrapped ? (line.body as JsonObject) : line;
  const field = wrapped ? 'body.' : '';
  if (!Array.isArray(body.messages)) {
    return {
      skipped: 'unknown format',
      detail:
        format === 'auto'
          ? `not ${NAMES.anthropic}, ${NAMES.openai} or ${NAMES.litellm}`
          : `not ${NAMES[format]}: no ${field}messages list`,
    };
  }
  const envelope: LogEnvelope = wrapped ? readEnvelope(line) : {};
  let api: GatewayApi;
  if (format === 'anthropic') api = 'anthropic-messages';
  else if (format === 'openai') api = 'openai-chat';
  else {
    const marks = chatApiMarks(body);
    if (marks.anthropic > 0 && marks.anthropic === marks.openai)
      return {
        skipped: 'unknown format',
        detail: `${
          wrapped ? 'body has' : 'has'
        } as many marks of the Anthropic Messages API as of OpenAI's chat completions: use --format`,
      };
    // With no mark of either, nothing in it is read differently.
    api = marks.openai > marks.anthropic ? 'openai-chat' : 'anthropic-messages';
  }
  return api === 'openai-chat'
    ? readOpenAiChatRequest(body, envelope, field)
    : readAnthropicMessagesRequest(body, envelope, field);
}

/** One line of a gateway log: the request it holds, or why it holds none. */
export function readLogLine(text: string, format: LogFormat): LineOutcome {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    // The parser's message quotes the line: it may hold a secret.
    return { skipped: 'not JSON' };
  }
  if (exceedsJsonDepth(line)) return { skipped: 'nested too deep' };
  if (!isObject(line))
    return { skipped: 'unknown format', detail: 'not a JSON object' };
  try {
    let request: GatewayRequest;
    if (format === 'litellm' || (format === 'auto' && 'call_type' in line)) {
      if (typeof line.call_type !== 'string')
        return {
          skipped: 'unknown format',
          detail: `not ${NAMES.litellm}: no call_type`,
        };
      request = readLiteLlmPayload(line);
    } else {
      const read = readChatRequest(line, format);
      if ('skipped' in read) return read;
      request = read;
    }
    if (
      request.tools.length === 0 &&
      request.calledToolNames.length === 0 &&
      request.servers.length === 0
    )
      return { skipped: 'no tools' };
    return { request };
  } catch (error) {
    if (error instanceof RequestFieldError)
      return { skipped: 'bad field', detail: error.message };
    throw error;
  }
}
