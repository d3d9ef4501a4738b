import {
  GatewayRequest,
  JsonObject,
  optionalList,
  optionalObject,
  optionalString,
  RequestBuilder,
} from './gatewayRequest';
import type { LogEnvelope } from './logEnvelope';

/**
 * An Anthropic Messages API request body (`POST /v1/messages`), as its API
 * reference and the MCP connector's page document it: `model`, `tools`,
 * `mcp_servers`, `messages` (with `tool_use` and `mcp_tool_use` blocks) and
 * `metadata.user_id`. An `mcp_servers` entry's `authorization_token` is
 * never read.
 */
export function readAnthropicMessagesRequest(
  body: JsonObject,
  envelope: LogEnvelope,
  field = '',
): GatewayRequest {
  const builder = new RequestBuilder();
  builder.addTools(
    optionalList(body, 'tools', `${field}tools`),
    `${field}tools`,
  );
  builder.addMcpServers(
    optionalList(body, 'mcp_servers', `${field}mcp_servers`),
    `${field}mcp_servers`,
  );
  builder.addMessages(optionalList(body, 'messages', `${field}messages`));
  const metadata = optionalObject(body, 'metadata', `${field}metadata`);
  return builder.build({
    api: 'anthropic-messages',
    requestId: envelope.requestId,
    observedAt: envelope.observedAt,
    userId:
      envelope.user ??
      (metadata
        ? optionalString(metadata, 'user_id', `${field}metadata.user_id`)
        : undefined),
    model: optionalString(body, 'model', `${field}model`),
    body,
  });
}
