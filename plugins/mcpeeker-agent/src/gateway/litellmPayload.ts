import {
  GatewayRequest,
  JsonObject,
  optionalList,
  optionalObject,
  optionalString,
  RequestBuilder,
  RequestFieldError,
  requiredString,
} from './gatewayRequest';

/**
 * LiteLLM's StandardLoggingPayload (what its proxy hands every logging
 * callback as `kwargs["standard_logging_object"]`), one per line: `id`,
 * `call_type`, `startTime` (epoch seconds), `model`, `messages`,
 * `metadata.user_api_key_user_id` (the user the virtual key belongs to),
 * `end_user`, and `model_parameters` — the request's parameters other than
 * its prompt, where the request's `tools` (and, for Anthropic-style calls,
 * `mcp_servers`) are. Keys, key hashes and headers are never read.
 */
export function readLiteLlmPayload(payload: JsonObject): GatewayRequest {
  const builder = new RequestBuilder();
  const parameters =
    optionalObject(payload, 'model_parameters', 'model_parameters') ?? {};
  builder.addTools(
    optionalList(parameters, 'tools', 'model_parameters.tools'),
    'model_parameters.tools',
  );
  builder.addFunctions(
    optionalList(parameters, 'functions', 'model_parameters.functions'),
    'model_parameters.functions',
  );
  builder.addMcpServers(
    optionalList(parameters, 'mcp_servers', 'model_parameters.mcp_servers'),
    'model_parameters.mcp_servers',
  );
  // A list of messages for chat calls; a string or object for others.
  if (Array.isArray(payload.messages)) builder.addMessages(payload.messages);
  const metadata = optionalObject(payload, 'metadata', 'metadata');
  return builder.build({
    api: 'litellm',
    requestId: requiredString(payload, 'id', 'id'),
    observedAt: epochSeconds(payload.startTime, 'startTime'),
    userId:
      (metadata
        ? optionalString(
            metadata,
            'user_api_key_user_id',
            'metadata.user_api_key_user_id',
          )
        : undefined) ?? optionalString(payload, 'end_user', 'end_user'),
    model: optionalString(payload, 'model', 'model'),
    body: payload,
  });
}

function epochSeconds(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RequestFieldError(field, 'expected seconds since the epoch');
  const date = new Date(value * 1000);
  if (Number.isNaN(date.getTime()))
    throw new RequestFieldError(field, 'expected seconds since the epoch');
  return date.toISOString();
}
