import type { AuditorService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * Middleware for a group of routes: every attempt to change something
 * (any method but GET) goes to Backstage's auditor — who, what, and whether
 * it was done, by the status it ended with — beside the plugin's own HMAC
 * chain.
 */
export function auditedChanges(options: {
  auditor?: AuditorService;
  eventId: string;
  /** Where the group is mounted, for the event's path. */
  mountPath: string;
  severity: (req: express.Request) => 'low' | 'medium' | 'high' | 'critical';
}): express.RequestHandler {
  return async (req, res, next) => {
    if (!options.auditor || req.method === 'GET') {
      next();
      return;
    }
    const event = await options.auditor.createEvent({
      eventId: options.eventId,
      severityLevel: options.severity(req),
      request: req,
      meta: { method: req.method, path: `${options.mountPath}${req.path}` },
    });
    res.on('finish', () => {
      const meta = { status: res.statusCode };
      (res.statusCode < 400
        ? event.success({ meta })
        : event.fail({ meta, error: new Error(`HTTP ${res.statusCode}`) })
      ).catch(() => undefined);
    });
    next();
  };
}
