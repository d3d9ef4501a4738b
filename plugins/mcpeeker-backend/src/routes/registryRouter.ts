import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  mcpeekerRegistryApprovePermission,
  mcpeekerAuditReadPermission,
  mcpeekerRegistryDeletePermission,
  mcpeekerFindingReadPermission,
  mcpeekerRegistryReadPermission,
  mcpeekerRegistryUpdatePermission,
  acceptRiskSchema,
  COMPOSITE_ID_PATTERN,
  RISK_KIND_IDS,
  REGISTRY_STATUSES,
  RegistryEntryCreate,
  registryEntryCreateSchema,
  registryEntryUpdateSchema,
  RegistryEntry,
  registryImportSchema,
  registryRenewalSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import { auditedChanges } from './auditedChanges';
import { requireInCatalog } from '../services/catalogRefs';
import {
  RegistryChangeListener,
  ServerRegistration,
} from '../services/ServerRegistration';
import Router from 'express-promise-router';
import { z } from 'zod';
import { Finding, FindingStore } from '../database/FindingStore';
import { authorizeItem, ownerFilterOf } from '../permissions/conditions';
import { parseOr400 } from './parseOr400';
import { PageCursors } from './pageCursors';
import { registrationFromServerJson } from './mcpRegistryApiRouter';
import { AuditLog } from '../database/AuditLog';
import { entryTargets, RegistryStore } from '../database/RegistryStore';
import { findingsOfEntry, latestToolSet } from '../services/toolPins';
import { changedServerOf } from '../services/changedServer';
import { Knex } from 'knex';

const listSchema = z
  .object({
    status: z
      .string()
      .transform(v => v.split(',').filter(Boolean))
      .pipe(z.array(z.enum(REGISTRY_STATUSES)))
      .optional(),
    owner: z.string().max(256).optional(),
    team: z.string().max(256).optional(),
    q: z.string().max(200).optional(),
    expiringWithinDays: z.coerce.number().int().min(0).max(366).optional(),
    /** Entries that stand for this finding (its composite id, with `serverName` its name). */
    finding: z
      .string()
      .regex(COMPOSITE_ID_PATTERN, 'must be a composite id (mcp_ + 32 hex)')
      .optional(),
    serverName: z.string().max(256).optional(),
    /** With `finding`: instead the entries that registered its server before it changed (same host and name, another command). */
    changed: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

const decisionSchema = z
  .object({ reason: z.string().trim().max(1024).optional() })
  .strict();

/**
 * `/registry`: developers register their MCP servers (pending) and edit
 * purpose and expiry of their own; admins approve, deny, revoke and delete.
 * Every decision is permission-checked on the server, every change audited,
 * and the findings an entry stands for are rescored when its status changes.
 */
export function createRegistryRouter(options: {
  registry: RegistryStore;
  findings: FindingStore;
  audit: AuditLog;
  db: Knex;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** The codec of every paged route's cursor. */
  cursors: PageCursors;
  auditor?: AuditorService;
  onChange?: RegistryChangeListener;
}): express.Router {
  const { registry, findings, httpAuth, permissions, catalog, auth, cursors } =
    options;
  const router = Router();

  async function user(req: express.Request) {
    return httpAuth.credentials(req, { allow: ['user'] });
  }

  async function allowed(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    permission: BasicPermission,
    what: string,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`You may not ${what}`);
  }

  /**
   * The entry, if the user may act on it: the permission framework decides
   * on the entry (its owner), and one they may not even read is as absent as
   * one that does not exist.
   */
  async function entryFor(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
    act?: { permission: Permission; what: string },
  ): Promise<RegistryEntry> {
    await authorizeItem(
      permissions,
      credentials,
      { permission: mcpeekerRegistryReadPermission, resourceRef: id },
      {
        notAllowed: 'You may not read the registry',
        notFound: `No registry entry ${id}`,
      },
    );
    const entry = await registry.get(id);
    if (!entry) throw new NotFoundError(`No registry entry ${id}`);
    if (!act) return entry;
    // Editing may be conditional (own entries); approving and deleting are yes or no.
    const { permission } = act;
    const [decision] = await permissions.authorize(
      [
        isResourcePermission(permission)
          ? { permission, resourceRef: id }
          : { permission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`You may not ${act.what}`);
    return entry;
  }

  async function changed(
    action: string,
    entry: RegistryEntry,
    actor: string,
    reason?: string,
  ) {
    const rescored = await findings.rescore(entryTargets(entry));
    await options.onChange?.({
      action,
      entry,
      actor,
      ...(reason ? { reason } : {}),
    });
    return rescored;
  }

  // Every attempt to change registry also goes to Backstage's auditor.
  router.use(
    '/registry',
    auditedChanges({
      auditor: options.auditor,
      eventId: 'registry-change',
      mountPath: '/registry',
      severity: req => (req.method === 'DELETE' ? 'high' : 'medium'),
    }),
  );

  const registration = new ServerRegistration({
    registry,
    permissions,
    catalog,
    auth,
    onChange: options.onChange,
  });

  /** Registration, however it came: the one path every way in shares. */
  async function register(
    req: express.Request,
    res: express.Response,
    parse: () => RegistryEntryCreate,
  ) {
    res.status(201).json(await registration.register(await user(req), parse));
  }

  router.post('/registry', async (req, res) => {
    await register(req, res, () =>
      parseOr400(registryEntryCreateSchema, req.body, 'registration'),
    );
  });

  // An official server.json, with the team, purpose and expiry MCPeeker needs.
  router.post('/registry/import', async (req, res) => {
    await register(req, res, () =>
      parseOr400(
        registryEntryCreateSchema,
        registrationFromServerJson(
          parseOr400(registryImportSchema, req.body, 'import'),
        ),
        'import',
      ),
    );
  });

  router.get('/registry', async (req, res) => {
    const credentials = await user(req);
    const { limit, cursor, ...q } = parseOr400(listSchema, req.query, 'query');
    const [decision] = await permissions.authorizeConditional(
      [{ permission: mcpeekerRegistryReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY)
      throw new NotAllowedError('You may not read the registry');
    const ownerRefs =
      decision.result === AuthorizeResult.CONDITIONAL
        ? ownerFilterOf(decision).ownerRefs
        : undefined;
    const offset = cursors.decode('registry', q, cursor);
    // What the rule needs of the finding beyond its id: its host and command.
    const detected = q.finding ? await findings.get(q.finding) : undefined;
    const page = await registry.list({
      status: q.status,
      owner: q.owner,
      team: q.team,
      text: q.q,
      expiringWithinDays: q.expiringWithinDays,
      ...(q.finding
        ? {
            finding: {
              compositeId: q.finding,
              ...(q.serverName ? { serverName: q.serverName } : {}),
              ...(detected?.hostIdHash
                ? { hostIdHash: detected.hostIdHash }
                : {}),
              ...(detected?.commandSignatureHash
                ? { commandSignatureHash: detected.commandSignatureHash }
                : {}),
              ...(q.changed === 'true' ? { changed: true } : {}),
            },
          }
        : {}),
      ownerRefs,
      limit,
      offset,
    });
    const nextCursor =
      offset + limit < page.totalCount
        ? cursors.encode('registry', q, offset + limit)
        : undefined;
    res.json({ ...page, ...(nextCursor ? { nextCursor } : {}) });
  });

  router.get('/registry/:id', async (req, res) => {
    const credentials = await user(req);
    res.json(await entryFor(credentials, req.params.id));
  });

  router.patch('/registry/:id', async (req, res) => {
    const credentials = await user(req);
    const change = parseOr400(registryEntryUpdateSchema, req.body, 'change');
    await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryUpdatePermission,
      what: 'edit this entry',
    });
    if (change.team)
      await requireInCatalog({ catalog, auth }, change.team, 'change: team');
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.update(req.params.id, change, actor);
    await options.onChange?.({ action: 'update', entry, actor });
    res.json(entry);
  });

  // Whoever may edit an entry (its owner) may take it back, pending or
  // approved: an approved one's findings are rescored without it.
  router.post('/registry/:id/withdraw', async (req, res) => {
    const credentials = await user(req);
    parseOr400(z.object({}).strict(), req.body ?? {}, 'withdraw');
    await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryUpdatePermission,
      what: 'withdraw this entry',
    });
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.withdraw(req.params.id, actor);
    await changed('withdraw', entry, actor);
    res.status(204).end();
  });

  for (const decision of ['approve', 'deny', 'revoke'] as const) {
    router.post(`/registry/:id/${decision}`, async (req, res) => {
      const credentials = await user(req);
      const { reason } = parseOr400(decisionSchema, req.body ?? {}, decision);
      const current = await entryFor(credentials, req.params.id, {
        permission: mcpeekerRegistryApprovePermission,
        what: `${decision} registry entries`,
      });
      const actor = credentials.principal.userEntityRef;
      // Approval pins the tools the server offers now, as its findings report them.
      const tools =
        decision === 'approve'
          ? latestToolSet(await findingsOfEntry(findings, current))
          : undefined;
      const entry = await registry.decide(
        req.params.id,
        decision,
        actor,
        reason,
        tools,
      );
      const rescored = await changed(decision, entry, actor);
      res.json({ ...entry, rescoredFindings: rescored });
    });
  }

  // An entry that ran out comes back only through an admin: an admin's
  // renewal approves it again, its owner's goes back to them as pending.
  router.post('/registry/:id/renew', async (req, res) => {
    const credentials = await user(req);
    const renewal = parseOr400(
      registryRenewalSchema,
      req.body ?? {},
      'renewal',
    );
    await entryFor(credentials, req.params.id);
    const [asAdmin] = await permissions.authorize(
      [{ permission: mcpeekerRegistryApprovePermission }],
      { credentials },
    );
    if (asAdmin.result !== AuthorizeResult.ALLOW)
      await entryFor(credentials, req.params.id, {
        permission: mcpeekerRegistryUpdatePermission,
        what: 'renew this entry',
      });
    const actor = credentials.principal.userEntityRef;
    const approved = asAdmin.result === AuthorizeResult.ALLOW;
    const entry = await registry.renew(
      req.params.id,
      renewal,
      actor,
      approved ? 'approved' : 'pending',
    );
    const rescored = await changed(
      approved ? 'renew' : 'request-renewal',
      entry,
      actor,
      renewal.reason,
    );
    res.json({ ...entry, rescoredFindings: rescored });
  });

  // An admin accepts a kind of risk on an approved entry, with why: its
  // findings stop counting it (docs/scoring.md); withdrawn the same way.
  router.post('/registry/:id/accept-risk', async (req, res) => {
    const credentials = await user(req);
    const risk = parseOr400(acceptRiskSchema, req.body ?? {}, 'accept-risk');
    await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryApprovePermission,
      what: 'accept risks on registry entries',
    });
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.acceptRisk(req.params.id, risk, actor);
    const rescored = await changed('accept-risk', entry, actor);
    res.json({ ...entry, rescoredFindings: rescored });
  });

  router.delete('/registry/:id/accept-risk/:kind', async (req, res) => {
    const credentials = await user(req);
    const { kind } = parseOr400(
      z.object({ kind: z.enum(RISK_KIND_IDS) }),
      { kind: req.params.kind },
      'withdraw-risk',
    );
    await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryApprovePermission,
      what: 'withdraw accepted risks on registry entries',
    });
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.withdrawRisk(req.params.id, kind, actor);
    const rescored = await changed('withdraw-risk', entry, actor);
    res.json({ ...entry, rescoredFindings: rescored });
  });

  /**
   * The findings an entry stands for, as far as the caller may see them,
   * and how the caller's view of findings is narrowed (their own, in SQL).
   */
  async function seenFindings(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    entry: RegistryEntry,
  ): Promise<{
    own: Finding[];
    visibleTo?: { ownerRefs?: string[] };
    denied: boolean;
  }> {
    const [findingRead] = await permissions.authorizeConditional(
      [{ permission: mcpeekerFindingReadPermission }],
      { credentials },
    );
    if (findingRead.result === AuthorizeResult.DENY)
      return { own: [], denied: true };
    const visibleTo =
      findingRead.result === AuthorizeResult.CONDITIONAL
        ? ownerFilterOf(findingRead)
        : undefined;
    const own = await findingsOfEntry(findings, entry, {
      // The findings it names by id: each as far as the permission framework lets the caller read it.
      readable: async ids =>
        findingRead.result === AuthorizeResult.CONDITIONAL
          ? (
              await permissions.authorize(
                ids.map(resourceRef => ({
                  permission: mcpeekerFindingReadPermission,
                  resourceRef,
                })),
                { credentials },
              )
            ).flatMap((d, i) =>
              d.result === AuthorizeResult.ALLOW ? [ids[i]] : [],
            )
          : ids,
      // By name: the caller's own findings only, in the query.
      visibleTo,
    });
    return {
      own: [...new Map(own.map(f => [f.compositeId, f])).values()],
      visibleTo,
      denied: false,
    };
  }

  // Does detection see what the entry describes? Its findings, as far as
  // the caller may see them, and the server it became when it changed.
  router.post('/registry/:id/verify', async (req, res) => {
    const credentials = await user(req);
    const entry = await entryFor(credentials, req.params.id);
    const { own, visibleTo, denied } = await seenFindings(credentials, entry);
    const matches = own.map(f => ({
      compositeId: f.compositeId,
      serverName: f.serverName,
      hostIdHash: f.hostIdHash,
      score: f.score,
      classification: f.classification,
      registryStatus: f.registryStatus,
      lastSeen: f.lastSeen,
      ...(f.breakdown.noLongerReported
        ? { noLongerReported: f.breakdown.noLongerReported }
        : {}),
    }));
    const became = denied
      ? undefined
      : await changedServerOf(findings, entry, own, visibleTo);
    res.json({
      entryId: entry.id,
      detected: matches.some(m => !m.noLongerReported),
      matches,
      ...(became
        ? {
            changedServer: {
              finding: became.finding,
              change: became.change,
              words: became.words,
              identity: became.identity,
            },
          }
        : {}),
    });
  });

  // Its owner moves the registration to the server it became (a pinned
  // version, other arguments): back to pending for an admin, audited; the
  // old server stops counting at once. Only onto the server detection shows
  // it became (`changedServerOf`), never onto any server named in the body.
  router.post('/registry/:id/identity', async (req, res) => {
    const credentials = await user(req);
    const { fromFinding } = parseOr400(
      z
        .object({
          fromFinding: z
            .string()
            .regex(COMPOSITE_ID_PATTERN, 'must be a composite id'),
        })
        .strict(),
      req.body ?? {},
      'identity',
    );
    const current = await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryUpdatePermission,
      what: 'update this entry',
    });
    const { own, visibleTo, denied } = await seenFindings(credentials, current);
    const became = denied
      ? undefined
      : await changedServerOf(findings, current, own, visibleTo);
    if (!became || became.finding.compositeId !== fromFinding)
      throw new ConflictError(
        `fromFinding: ${fromFinding} is not the server registry entry ${current.name} became (its registered findings must be no longer reported, and this one run on the same host, for the same owner, from the same config)`,
      );
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.updateIdentity(
      current.id,
      became.identity,
      actor,
      fromFinding,
    );
    // The old server's findings lose the approval, the new one's are scored as pending.
    const before = entryTargets(current);
    const after = entryTargets(entry);
    const rescored = await findings.rescore({
      compositeIds: [
        ...new Set([...before.compositeIds, ...after.compositeIds]),
      ],
      serverNames: [...new Set([...before.serverNames, ...after.serverNames])],
    });
    await options.onChange?.({ action: 'update-identity', entry, actor });
    res.json({ ...entry, rescoredFindings: rescored });
  });

  router.delete('/registry/:id', async (req, res) => {
    const credentials = await user(req);
    await entryFor(credentials, req.params.id, {
      permission: mcpeekerRegistryDeletePermission,
      what: 'delete registry entries',
    });
    const actor = credentials.principal.userEntityRef;
    const entry = await registry.remove(req.params.id, actor);
    await changed('delete', entry, actor);
    res.status(204).end();
  });

  router.get('/audit/verify', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerAuditReadPermission,
      'verify the audit log',
    );
    res.json(await options.audit.verify(options.db));
  });

  router.get('/audit', async (req, res) => {
    const credentials = await user(req);
    await allowed(
      credentials,
      mcpeekerAuditReadPermission,
      'read the audit log',
    );
    const q = parseOr400(
      z
        .object({
          entry: z.string().max(64).optional(),
          /** Who acted: an entity ref, or a system actor such as system:mcpeeker-expiry. */
          actor: z.string().max(256).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        })
        .strict(),
      req.query,
      'query',
    );
    res.json({
      items: await options.audit.list(options.db, {
        entryId: q.entry,
        actor: q.actor,
        limit: q.limit,
      }),
    });
  });

  return router;
}
