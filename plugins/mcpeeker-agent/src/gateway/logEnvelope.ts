import {
  isObject,
  JsonObject,
  optionalString,
  RequestFieldError,
} from './gatewayRequest';

/**
 * What a proxy logs around an Anthropic or OpenAI request body, when it logs
 * more than the body: one JSON object a line,
 * `{ "request_id": "…", "timestamp": "2026-11-21T10:00:00Z", "user": "…", "body": { … } }`,
 * every field but `body` optional. A line that is the bare body is read too.
 */
export interface LogEnvelope {
  requestId?: string;
  /** ISO 8601 in UTC. */
  observedAt?: string;
  user?: string;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Whether a line is the envelope rather than a bare body. */
export function isEnvelope(line: JsonObject): boolean {
  return isObject(line.body) && !Array.isArray(line.messages);
}

export function readEnvelope(line: JsonObject): LogEnvelope {
  const timestamp = optionalString(line, 'timestamp', 'timestamp');
  let observedAt: string | undefined;
  if (timestamp !== undefined) {
    const at = Date.parse(timestamp);
    if (!DATE_TIME.test(timestamp) || Number.isNaN(at))
      throw new RequestFieldError(
        'timestamp',
        'expected an ISO 8601 date-time with an offset, like 2026-11-21T10:00:00Z',
      );
    observedAt = new Date(at).toISOString();
  }
  return {
    requestId: optionalString(line, 'request_id', 'request_id'),
    observedAt,
    user: optionalString(line, 'user', 'user'),
  };
}
