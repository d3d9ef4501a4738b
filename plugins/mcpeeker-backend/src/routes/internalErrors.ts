import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import crypto from 'node:crypto';
import express from 'express';

/**
 * Errors whose message is written for the caller: the ones Backstage's error
 * middleware maps to a status (`getStatusCode` in backend-defaults).
 */
const CALLER_ERRORS = new Map([
  ['InputError', 400],
  ['AuthenticationError', 401],
  ['NotAllowedError', 403],
  ['NotFoundError', 404],
  ['ConflictError', 409],
  ['NotModifiedError', 304],
  ['NotImplementedError', 501],
  ['ServiceUnavailableError', 503],
  // Ours: 429, with Retry-After already set.
  ['RateLimitedError', 429],
]);

/**
 * Answers in Backstage's error shape (`ResponseError.fromResponse` reads it)
 * with the name and message only: no stack, no cause, and not the request
 * (Backstage's own handler echoes its URL, query string included).
 */
function answer(
  res: express.Response,
  statusCode: number,
  name: string,
  message: string,
) {
  res
    .status(statusCode)
    .json({ error: { name, message }, response: { statusCode } });
}

/**
 * The last handler of the plugin's routes: Backstage's own errors pass; an
 * unexpected one (a database error with its SQL, a RangeError with its
 * stack) is logged here with a log id and answered as a bare 500 naming only
 * that id. Backstage's error middleware shows messages and stacks when
 * NODE_ENV is development — which is how the embedded default runs.
 *
 * Mount it last with `httpRouter.use`: its type is a request handler's, but
 * express registers a four-argument function as an error handler.
 */
export function internalErrorFilter(options: {
  logger: LoggerService;
}): express.RequestHandler {
  const filter: express.ErrorRequestHandler = (
    error: unknown,
    req,
    res,
    next,
  ) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isError(error) && CALLER_ERRORS.has(error.name)) {
      // Name and message only: the stack, and a cause that may be a
      // database error, stay here in every mode.
      answer(res, CALLER_ERRORS.get(error.name)!, error.name, error.message);
      return;
    }
    // body-parser's refusals: their status is right, but a JSON syntax
    // error quotes the body it could not parse.
    const refusal = error as { type?: unknown; status?: unknown };
    if (
      isError(error) &&
      typeof refusal.type === 'string' &&
      typeof refusal.status === 'number' &&
      refusal.status >= 400 &&
      refusal.status < 500
    ) {
      if (refusal.type === 'entity.parse.failed') {
        answer(res, 400, 'InputError', 'Invalid request body: not valid JSON');
        return;
      }
      answer(
        res,
        refusal.status,
        'InputError',
        refusal.type === 'entity.too.large'
          ? `Request body too large: at most ${
              (error as { limit?: number }).limit
            } bytes`
          : `Request body refused (${refusal.type})`,
      );
      return;
    }
    const logId = crypto.randomBytes(10).toString('hex');
    options.logger.error(
      `Unexpected error answering ${req.method} ${req.path}, logId=${logId}`,
      isError(error) ? error : new Error(String(error)),
    );
    answer(res, 500, 'Error', `An internal error occurred logId=${logId}`);
  };
  return filter as unknown as express.RequestHandler;
}
