import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mcpeekerAuditReadPermission } from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { DeadLetterStore } from '../database/DeadLetterStore';
import { parseOr400 } from './parseOr400';

/**
 * `GET /dead-letters`: the events MCPeeker refused, newest first, each with
 * the reason and its (redacted) payload — what an operator reads when a
 * sensor's events do not show up. Who reads the audit log reads these.
 */
export function createDeadLettersRouter(options: {
  deadLetters: DeadLetterStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const router = Router();
  router.get('/dead-letters', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const [decision] = await options.permissions.authorize(
      [{ permission: mcpeekerAuditReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError('You may not read the refused events');
    const q = parseOr400(
      z
        .object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          /** The id of the last one of the previous page. */
          before: z
            .string()
            .regex(/^[1-9][0-9]{0,15}$/, 'must be a dead letter id')
            .optional(),
        })
        .strict(),
      req.query,
      'query',
    );
    const [items, total] = await Promise.all([
      options.deadLetters.list({ limit: q.limit + 1, beforeId: q.before }),
      options.deadLetters.count(),
    ]);
    res.json({
      items: items.slice(0, q.limit),
      total,
      ...(items.length > q.limit ? { nextBefore: items[q.limit - 1].id } : {}),
    });
  });
  return router;
}
