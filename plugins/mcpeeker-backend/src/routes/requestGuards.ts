import { InputError } from '@backstage/errors';
import {
  exceedsJsonDepth,
  MAX_JSON_DEPTH,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';

/**
 * Parses every JSON body of the plugin once, bounded in size (per path:
 * event batches are large, forms are not) and depth before any route's
 * schema, hashing or storage walks it recursively; and refuses a NUL
 * character in the path, which the database cannot compare.
 */
export function requestGuards(options: {
  /** The largest body a path takes, e.g. '5mb'. */
  bodyLimit: (path: string) => string;
}): express.Router {
  const router = Router();
  router.use((req, _res, next) => {
    if (/%00/.test(req.path))
      throw new InputError(
        'Invalid request path: must not contain NUL (%00) characters',
      );
    next();
  });
  const parsers = new Map<string, express.RequestHandler>();
  router.use((req, res, next) => {
    const limit = options.bodyLimit(req.path);
    if (!parsers.has(limit)) parsers.set(limit, express.json({ limit }));
    parsers.get(limit)!(req, res, next);
  });
  router.use((req, _res, next) => {
    if (req.body !== undefined && exceedsJsonDepth(req.body))
      throw new InputError(
        `Invalid request body: nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    next();
  });
  return router;
}
