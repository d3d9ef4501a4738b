import {
  GatewayRequest,
  JsonObject,
  optionalList,
  optionalString,
  RequestBuilder,
} from './gatewayRequest';
import type { LogEnvelope } from './logEnvelope';

/**
 * An OpenAI-compatible chat completions request body (`POST
 * /v1/chat/completions`), as OpenAI's API reference documents it: `model`,
 * `tools` (`{ type: "function", function: { name, description, parameters
 * } }`, custom tools), the deprecated `functions`, `messages` (with the
 * assistant's `tool_calls`), and `user` (or `safety_identifier`, its
 * successor).
 */
export function readOpenAiChatRequest(
  body: JsonObject,
  envelope: LogEnvelope,
  field = '',
): GatewayRequest {
  const builder = new RequestBuilder();
  builder.addTools(
    optionalList(body, 'tools', `${field}tools`),
    `${field}tools`,
  );
  builder.addFunctions(
    optionalList(body, 'functions', `${field}functions`),
    `${field}functions`,
  );
  builder.addMessages(optionalList(body, 'messages', `${field}messages`));
  return builder.build({
    api: 'openai-chat',
    requestId: envelope.requestId,
    observedAt: envelope.observedAt,
    userId:
      envelope.user ??
      optionalString(body, 'user', `${field}user`) ??
      optionalString(body, 'safety_identifier', `${field}safety_identifier`),
    model: optionalString(body, 'model', `${field}model`),
    body,
  });
}
