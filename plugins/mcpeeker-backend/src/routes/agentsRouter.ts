import {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AGENT_CREDENTIAL_HEADER,
  hostIdHashSchema as hostIdHash,
  mcpeekerAgentManagePermission,
  MAX_ENROLMENT_USES,
} from '@mcpeeker/plugin-mcpeeker-common';
import type {
  AgentEnrolment,
  CreatedAgentEnrolment,
  EnrolledAgent,
  HostEnforcementList,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { auditedChanges } from './auditedChanges';
import { requireInCatalog } from '../services/catalogRefs';
import { parseOr400 } from './parseOr400';
import type { IngestingAgent } from '../services/IngestService';
import { AgentStore } from '../database/AgentStore';
import type { HostStore } from '../database/HostStore';
import { findingReadScope } from '../permissions/conditions';
import { HostOwners } from '../services/HostOwners';

const OWNER_RULE =
  'must be a user or group in the catalog, e.g. user:default/dana or group:default/mcp-developers';

const enrolmentCreateSchema = z
  .object({
    owner: z
      .string({ error: OWNER_RULE })
      .min(1, OWNER_RULE)
      .max(256, 'must be at most 256 characters'),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    maxUses: z.number().int().min(1).max(MAX_ENROLMENT_USES).optional(),
    label: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .optional(),
  })
  .strict();

const enrolSchema = z
  .object({
    secret: z
      .string({ error: 'must be the enrolment secret an admin issued' })
      .min(1, 'must be the enrolment secret an admin issued')
      .max(200, 'must be at most 200 characters'),
    hostIdHash,
  })
  .strict();

const listSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    host: hostIdHash.optional(),
  })
  .strict();

const hostListSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    host: hostIdHash.optional(),
    enforcing: z.enum(['true', 'false']).optional(),
  })
  .strict();

const REFUSED =
  'Enrolment refused: the secret is not valid, has expired, has been used as often as allowed, or was revoked';

/**
 * Agent identity. Admins (`mcpeeker.agent.manage`) issue enrolment secrets
 * for an owner and revoke them, list and revoke agents; an agent exchanges a
 * secret for its own credential at `POST /agents/enrol` (no Backstage token:
 * the secret is the authentication). Every change is audited.
 */
export function createAgentsRouter(options: {
  agents: AgentStore;
  hostOwners: HostOwners;
  /** Hosts' managed-policy state (`GET /hosts`). */
  hosts: Pick<HostStore, 'list'>;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor?: AuditorService;
}): express.Router {
  const { agents, hostOwners, httpAuth, permissions, catalog, auth } = options;
  const router = Router();

  async function admin(req: express.Request): Promise<string> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: mcpeekerAgentManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError('You may not manage MCPeeker agents');
    return credentials.principal.userEntityRef;
  }

  // Every attempt to change agents also goes to Backstage's auditor.
  router.use(
    '/agents',
    auditedChanges({
      auditor: options.auditor,
      eventId: 'agent-identity-change',
      mountPath: '/agents',
      severity: () => 'high',
    }),
  );

  router.post('/agents/enrol', async (req, res) => {
    const input = parseOr400(enrolSchema, req.body, 'enrolment');
    const enrolled = await agents.enrol(input.secret, input.hostIdHash);
    if (!enrolled) throw new AuthenticationError(REFUSED);
    hostOwners.clear();
    res
      .status(201)
      .json({ ...enrolled.agent, credential: enrolled.credential });
  });

  router.post('/agents/enrolments', async (req, res) => {
    const actor = await admin(req);
    const input = parseOr400(enrolmentCreateSchema, req.body, 'enrolment');
    let ref;
    try {
      ref = parseEntityRef(input.owner.toLocaleLowerCase('en-US'));
    } catch {
      throw new InputError(
        `Invalid enrolment: owner ${input.owner} is not an entity ref (user:default/name or group:default/name)`,
      );
    }
    if (!['user', 'group'].includes(ref.kind.toLocaleLowerCase('en-US')))
      throw new InputError(
        `Invalid enrolment: owner must be a user or a group, not a ${ref.kind}`,
      );
    const owner = stringifyEntityRef(ref);
    await requireInCatalog({ catalog, auth }, owner, 'enrolment: owner');
    const created: CreatedAgentEnrolment = await agents.createEnrolment(
      { ...input, owner },
      actor,
    );
    res.status(201).json(created);
  });

  router.get('/agents/enrolments', async (req, res) => {
    await admin(req);
    const { limit } = parseOr400(
      listSchema.omit({ host: true }),
      req.query,
      'query',
    );
    const items: AgentEnrolment[] = await agents.listEnrolments(limit);
    res.json({ items });
  });

  router.post('/agents/enrolments/:id/revoke', async (req, res) => {
    const actor = await admin(req);
    const enrolment: AgentEnrolment = await agents.revokeEnrolment(
      req.params.id,
      actor,
    );
    res.json(enrolment);
  });

  router.get('/agents', async (req, res) => {
    await admin(req);
    const q = parseOr400(listSchema, req.query, 'query');
    const items: EnrolledAgent[] = await agents.listAgents({
      limit: q.limit,
      hostIdHash: q.host,
    });
    res.json({ items });
  });

  // Which hosts enforce the approved servers and which only report. Whoever
  // reads findings: everyone's hosts for analysts and admins, a developer's
  // own (the hosts their reports are stored for), decided in the query.
  router.get('/hosts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { ownerRefs } = await findingReadScope(permissions, credentials);
    const q = parseOr400(hostListSchema, req.query, 'query');
    const list: HostEnforcementList = await options.hosts.list({
      ownerRefs,
      limit: q.limit,
      hostIdHash: q.host,
      ...(q.enforcing ? { enforcing: q.enforcing === 'true' } : {}),
    });
    res.json(list);
  });

  router.post('/agents/:id/revoke', async (req, res) => {
    const actor = await admin(req);
    const agent: EnrolledAgent = await agents.revokeAgent(req.params.id, actor);
    hostOwners.clear();
    res.json(agent);
  });

  return router;
}

/**
 * The enrolled agent whose credential a request carries: `undefined` when it
 * carries none (the caller then asks for a service token), a 401 when the
 * credential is unknown or revoked.
 */
export function agentCredentials(
  agents: AgentStore,
): (req: express.Request) => Promise<IngestingAgent | undefined> {
  return async req => {
    const credential = req.header(AGENT_CREDENTIAL_HEADER);
    if (credential === undefined) return undefined;
    const agent =
      credential.length <= 200
        ? await agents.authenticate(credential)
        : undefined;
    if (!agent)
      throw new AuthenticationError(
        'Agent credential refused: unknown or revoked; enrol the agent again (mcpeeker-agent enrol)',
      );
    await agents.touch(agent.id);
    return { id: agent.id, hostIdHash: agent.hostIdHash, owner: agent.owner };
  };
}
