import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  feedbackCreateSchema,
  Finding,
  mcpeekerFeedbackCreatePermission,
  mcpeekerFeedbackReadPermission,
  mcpeekerFindingReadPermission,
  mcpeekerSuppressionCreatePermission,
  mcpeekerSuppressionDeletePermission,
  mcpeekerSuppressionReadPermission,
  mcpeekerTriageUpdatePermission,
  suppressionCreateSchema,
  suppressionExpiryProblem,
  suppressionRevokeSchema,
  triageUpdateSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { z } from 'zod';
import { AuditLog } from '../database/AuditLog';
import type { FindingStore } from '../database/FindingStore';
import { entryTargets, RegistryStore } from '../database/RegistryStore';
import { ScoreHistory } from '../database/ScoreHistory';
import { SuppressionInput, TriageStore } from '../database/TriageStore';
import { authorizeItem, ownerFilterOf } from '../permissions/conditions';
import { requireInCatalog } from '../services/catalogRefs';
import { buildTimeline } from '../services/findingTimeline';
import type { TeamMembers } from '../services/teamMembers';
import type { ToolChangeLog } from '../services/toolPins';
import { auditedChanges } from './auditedChanges';
import { parseOr400 } from './parseOr400';

const suppressionListSchema = z
  .object({ active: z.enum(['true', 'false']).optional() })
  .strict();

/**
 * Analyst triage: feedback on findings, their status and assignee,
 * suppressions, and each finding's timeline. Every decision is
 * permission-checked here; the stores audit every change, and triage
 * rescores the findings a change touches before the answer goes out.
 */
export function createTriageRouter(options: {
  triage: TriageStore;
  findings: FindingStore;
  history: ScoreHistory;
  registry: RegistryStore;
  audit: AuditLog;
  db: Knex;
  toolChanges: Pick<ToolChangeLog, 'changesOf'>;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  teamMembers: TeamMembers;
  auditor?: AuditorService;
}): express.Router {
  const { triage, findings, httpAuth, permissions, catalog, auth } = options;
  const router = Router();

  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  async function may(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  async function allowed(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    permission: BasicPermission,
    what: string,
  ) {
    if (!(await may(credentials, permission)))
      throw new NotAllowedError(`You may not ${what}`);
  }

  /** The finding, if the caller may read it: one they may not is as absent as one that does not exist. */
  async function readable(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ) {
    const notFound = `No finding ${id}`;
    const decision = await authorizeItem(
      permissions,
      credentials,
      { permission: mcpeekerFindingReadPermission, resourceRef: id },
      { notAllowed: 'You may not read MCP findings', notFound },
    );
    const finding = await findings.get(id);
    if (!finding) throw new NotFoundError(notFound);
    return { finding, decision };
  }

  /** A team's members as the catalog says now, the team checked to exist. */
  async function membersOf(team: string, field: string) {
    await requireInCatalog({ catalog, auth }, team, field);
    return (await options.teamMembers([team])).get(team) ?? [];
  }

  function checkExpiry(expiresAt: string | undefined, field: string) {
    const problem = expiresAt && suppressionExpiryProblem(expiresAt);
    if (problem) throw new InputError(`Invalid ${field} ${problem}`);
  }

  // Every attempt to change triage also goes to Backstage's auditor.
  for (const mountPath of ['/findings', '/suppressions'])
    router.use(
      mountPath,
      auditedChanges({
        auditor: options.auditor,
        eventId: 'triage-change',
        mountPath,
        severity: req => (req.method === 'DELETE' ? 'high' : 'medium'),
      }),
    );

  /** The suppression feedback asks for, made of the finding it is given on. */
  async function suppressionFrom(
    finding: Finding,
    body: z.infer<typeof feedbackCreateSchema>,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<SuppressionInput | undefined> {
    const suppress = body.suppress;
    if (!suppress) return undefined;
    if (body.verdict !== 'false-positive')
      throw new InputError(
        'Invalid feedback: suppress is only for a false-positive verdict',
      );
    await allowed(
      credentials,
      mcpeekerSuppressionCreatePermission,
      'suppress findings',
    );
    checkExpiry(suppress.expiresAt, 'feedback: suppress.expiresAt');
    if (suppress.team && suppress.scope !== 'server-on-team')
      throw new InputError(
        `Invalid feedback: suppress.team is not used by scope ${suppress.scope}`,
      );
    const common = {
      scope: suppress.scope,
      reason: suppress.reason,
      expiresAt: suppress.expiresAt,
      fromFinding: finding.compositeId,
      serverNameOfFinding: finding.serverName,
    };
    if (suppress.scope === 'finding')
      return { ...common, compositeId: finding.compositeId };
    if (suppress.scope === 'command') {
      if (!finding.commandSignatureHash)
        throw new InputError(
          'Invalid feedback: suppress.scope command needs a stdio command, and no config entry or process of this finding names one',
        );
      return {
        ...common,
        commandSignatureHash: finding.commandSignatureHash,
      };
    }
    if (!suppress.team)
      throw new InputError(
        'Invalid feedback: suppress.team is required for scope server-on-team',
      );
    if (!finding.serverName)
      throw new InputError(
        'Invalid feedback: suppress.scope server-on-team needs a server name, and this finding has none',
      );
    return {
      ...common,
      serverName: finding.serverName,
      team: suppress.team,
      teamMembers: await membersOf(suppress.team, 'feedback: suppress.team'),
    };
  }

  router.post('/findings/:id/feedback', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerFeedbackCreatePermission,
      'give feedback on findings',
    );
    const { finding } = await readable(credentials, req.params.id);
    const body = parseOr400(feedbackCreateSchema, req.body, 'feedback');
    const suppress = await suppressionFrom(finding, body, credentials);
    const { feedback, suppression } = await triage.addFeedback(
      finding.compositeId,
      { verdict: body.verdict, note: body.note, tags: body.tags },
      credentials.principal.userEntityRef,
      suppress,
    );
    res
      .status(201)
      .json({ ...feedback, ...(suppression ? { suppression } : {}) });
  });

  router.get('/findings/:id/feedback', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerFeedbackReadPermission,
      'read feedback on findings',
    );
    const { finding } = await readable(credentials, req.params.id);
    res.json({ items: await triage.feedbackFor(finding.compositeId) });
  });

  router.patch('/findings/:id/triage', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerTriageUpdatePermission,
      'triage findings',
    );
    const { finding } = await readable(credentials, req.params.id);
    const change = parseOr400(triageUpdateSchema, req.body, 'triage');
    if (change.assignee)
      await requireInCatalog(
        { catalog, auth },
        change.assignee,
        'triage: assignee',
      );
    await triage.updateTriage(
      finding.compositeId,
      change,
      credentials.principal.userEntityRef,
    );
    // Rescored by now: the finding says what the lists filter on.
    const updated = await findings.get(finding.compositeId);
    res.json((updated ?? finding).triage);
  });

  router.get('/findings/:id/timeline', async (req, res) => {
    const credentials = await user(req);
    const { finding, decision } = await readable(credentials, req.params.id);
    const id = finding.compositeId;
    const ownerRefs =
      decision.result === AuthorizeResult.CONDITIONAL
        ? ownerFilterOf(decision).ownerRefs
        : undefined;
    const [notes, detections, history, feedback, auditRows, toolChanges] =
      await Promise.all([
        may(credentials, mcpeekerFeedbackReadPermission),
        findings.detections(id),
        options.history.forFinding(id),
        triage.feedbackFor(id),
        options.audit.list(options.db, { entryId: id, limit: 500 }),
        options.toolChanges.changesOf(id),
      ]);
    const all = await options.registry.allEntries();
    const standing = all.filter(entry => {
      const targets = entryTargets(entry);
      return (
        targets.compositeIds.includes(id) ||
        (!!finding.serverName &&
          targets.serverNames.includes(finding.serverName))
      );
    });
    // An entry of its host and name that no longer stands for it may have
    // been moved from it to the server as it runs now: that move only.
    const movedFrom = all.filter(
      entry =>
        !standing.includes(entry) &&
        !!finding.hostIdHash &&
        entry.identity.hostIdHash === finding.hostIdHash &&
        entry.name === finding.serverName,
    );
    const eventsOf = async (entryId: string) =>
      (await options.audit.list(options.db, { entryId, limit: 200 })).map(
        e => ({ ...e, details: (e.details ?? {}) as Record<string, unknown> }),
      );
    const registry = [
      ...(await Promise.all(
        standing.map(async entry => ({
          entry,
          events: await eventsOf(entry.id),
        })),
      )),
      ...(
        await Promise.all(
          movedFrom.map(async entry => ({
            entry,
            events: (
              await eventsOf(entry.id)
            ).filter(
              e =>
                e.action === 'update-identity' &&
                (e.details.identityFrom as { compositeId?: unknown } | null)
                  ?.compositeId === id,
            ),
          })),
        )
      ).filter(r => r.events.length > 0),
    ];
    const suppressionIds = [
      ...new Set(
        history.flatMap(h => (h.suppressionId ? [h.suppressionId] : [])),
      ),
    ];
    res.json(
      buildTimeline(
        {
          finding,
          detections,
          history,
          feedback,
          triageChanges: auditRows
            .filter(r => r.action === 'triage-update')
            .map(r => ({
              at: r.at,
              actor: r.actor,
              ...(r.details as {
                from: { status: string; assignee: string | null };
                to: { status: string; assignee: string | null };
              }),
            })),
          suppressions: await triage.suppressionsOf(id, suppressionIds),
          registry,
          toolChanges,
        },
        {
          notes,
          decisionReasons: entry =>
            !ownerRefs || ownerRefs.includes(entry.owner),
        },
      ),
    );
  });

  router.get('/suppressions', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerSuppressionReadPermission,
      'read suppressions',
    );
    const q = parseOr400(suppressionListSchema, req.query, 'query');
    res.json({
      items: await triage.listSuppressions({
        active: q.active === undefined ? undefined : q.active === 'true',
      }),
    });
  });

  router.post('/suppressions', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerSuppressionCreatePermission,
      'suppress findings',
    );
    const input = parseOr400(suppressionCreateSchema, req.body, 'suppression');
    checkExpiry(input.expiresAt, 'suppression: expiresAt');
    let serverNameOfFinding: string | undefined;
    if (input.scope === 'finding') {
      // Analysts read every finding; anyone else may suppress only what they may read.
      await authorizeItem(
        permissions,
        credentials,
        {
          permission: mcpeekerFindingReadPermission,
          resourceRef: input.compositeId!,
        },
        {
          notAllowed: 'You may not read MCP findings',
          notFound: `Invalid suppression: compositeId ${input.compositeId} is no finding`,
        },
      ).catch(error => {
        if (error instanceof NotFoundError) throw new InputError(error.message);
        throw error;
      });
      const finding = await findings.get(input.compositeId!);
      if (!finding)
        throw new InputError(
          `Invalid suppression: compositeId ${input.compositeId} is no finding`,
        );
      serverNameOfFinding = finding.serverName;
    }
    const teamMembers =
      input.scope === 'server-on-team'
        ? await membersOf(input.team!, 'suppression: team')
        : undefined;
    const suppression = await triage.createSuppression(
      {
        scope: input.scope,
        compositeId: input.compositeId,
        serverName: input.serverName,
        team: input.team,
        teamMembers,
        commandSignatureHash: input.commandSignatureHash,
        reason: input.reason,
        expiresAt: input.expiresAt,
        serverNameOfFinding,
      },
      credentials.principal.userEntityRef,
    );
    res.status(201).json(suppression);
  });

  router.delete('/suppressions/:id', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerSuppressionDeletePermission,
      'revoke suppressions',
    );
    const { reason } = parseOr400(
      suppressionRevokeSchema,
      req.body ?? {},
      'revocation',
    );
    res.json(
      await triage.revokeSuppression(
        req.params.id,
        credentials.principal.userEntityRef,
        reason,
      ),
    );
  });

  return router;
}
