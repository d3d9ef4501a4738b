import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import crypto from 'node:crypto';
import express from 'express';

/**
 * Errors whose message is written for the caller: the ones Backstage's error
 * middleware maps to a status (`getStatusCode` in backend-defaults).
 */
const CALLER_ERRORS = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotModifiedError',
  'NotImplementedError',
  'ServiceUnavailableError',
  // Ours: 429, with Retry-After already set.
  'RateLimitedError',
]);

/** An error whose message and status go to the caller as they are, without a stack. */
function callerError(message: string, statusCode?: number): Error {
  const error = Object.assign(new Error(message), { statusCode });
  delete error.stack;
  return error;
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
    _res,
    next,
  ) => {
    if (isError(error) && CALLER_ERRORS.has(error.name)) {
      // Name and message only: the stack, and a cause that may be a
      // database error, stay here in every mode.
      const clean = callerError(
        error.message,
        (error as { statusCode?: number }).statusCode,
      );
      clean.name = error.name;
      next(clean);
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
        const invalid = new InputError('Invalid request body: not valid JSON');
        delete invalid.stack;
        next(invalid);
        return;
      }
      next(
        callerError(
          refusal.type === 'entity.too.large'
            ? `Request body too large: at most ${
                (error as { limit?: number }).limit
              } bytes`
            : `Request body refused (${refusal.type})`,
          refusal.status,
        ),
      );
      return;
    }
    const logId = crypto.randomBytes(10).toString('hex');
    options.logger.error(
      `Unexpected error answering ${req.method} ${req.path}, logId=${logId}`,
      isError(error) ? error : new Error(String(error)),
    );
    next(callerError(`An internal error occurred logId=${logId}`, 500));
  };
  return filter as unknown as express.RequestHandler;
}
