import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zodV3 } from 'zod/v3';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  approvalStands,
  COMPOSITE_ID_PATTERN,
  contributionInWords,
  Finding,
  mcpeekerFindingReadPermission,
  mcpeekerRegistryReadPermission,
  registryEntryCreateSchema,
  RegistryEntry,
  ScoreBreakdown,
  standingStatus,
  summarizeToolSetChange,
} from '@mcpeeker/plugin-mcpeeker-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { z as zod } from 'zod';
import type { FindingStore } from '../database/FindingStore';
import type { RegistryStore } from '../database/RegistryStore';
import {
  authorizeItem,
  findingReadScope,
  ownerFilterOf,
} from '../permissions/conditions';
import { parseOr400 } from '../routes/parseOr400';
import type { ServerRegistration } from '../services/ServerRegistration';
import { coverageOf, probeOf } from '../services/serverApproval';
import type { ToolChangeLog } from '../services/toolPins';

/** The tools list at most this many of the caller's unapproved servers, highest score first. */
export const MAX_LISTED_SERVERS = 100;

const compositeIdSchema = zod
  .string()
  .regex(COMPOSITE_ID_PATTERN, 'must be a composite id (mcp_ + 32 hex)');

/** Checked again with the routes' own schemas (parseOr400): a refusal names the field. */
const approvalQuestionSchema = zod
  .object({
    name: zod.string().trim().min(1).max(256).optional(),
    compositeId: compositeIdSchema.optional(),
    command: zod.string().trim().min(1).max(2048).optional(),
    url: zod
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .optional(),
  })
  .refine(
    q => q.name || q.compositeId || q.command || q.url,
    'give at least one of name, compositeId, command, url',
  );

const findingQuestionSchema = zod.object({ compositeId: compositeIdSchema });

/** Which of several unapproved entries of a server says most about where it stands. */
const STATUS_ORDER = ['pending', 'denied', 'revoked', 'expired'] as const;

/** Each point of a score with its reason, and the rules that fired, as sentences. */
function reasonsOf(breakdown: ScoreBreakdown): string[] {
  return [
    ...breakdown.contributions.map(contributionInWords),
    ...breakdown.rules.map(r => r.reason),
  ];
}

/**
 * MCPeeker's answers as actions, which `@backstage/plugin-mcp-actions-backend`
 * serves as MCP tools (`mcpeeker.is-mcp-server-approved`, …): a developer's
 * coding assistant asks whether a server is approved, which of theirs are
 * not, why one was flagged, and registers one. Each runs with the caller's
 * own credentials and the routes' own permission checks (someone else's
 * finding is not found), never as the plugin; only people get answers.
 */
export function registerMcpeekerActions(
  actionsRegistry: ActionsRegistryService,
  deps: {
    findings: FindingStore;
    registry: RegistryStore;
    registration: ServerRegistration;
    toolChanges: Pick<ToolChangeLog, 'explanationFor'>;
    permissions: PermissionsService;
    auth: AuthService;
    userInfo: UserInfoService;
    auditor?: AuditorService;
    /** The portal's address (`app.baseUrl`), for links to findings and the registration form. */
    portalUrl: string;
  },
): void {
  const { findings, registry, permissions, auth } = deps;
  const portal = deps.portalUrl.replace(/\/+$/, '');
  const findingLink = (id: string) =>
    `${portal}/mcpeeker/findings/${encodeURIComponent(id)}`;
  const registerLink = (id?: string) =>
    `${portal}/mcpeeker/registry/new${
      id ? `?finding=${encodeURIComponent(id)}` : ''
    }`;

  /** The caller as a person: the tools answer for someone's own servers, never for a service token. */
  function person(
    credentials: BackstageCredentials,
  ): BackstageCredentials<BackstageUserPrincipal> {
    if (!auth.isPrincipal(credentials, 'user'))
      throw new NotAllowedError(
        "MCPeeker's tools answer a signed-in person: call them with your own Backstage token, not a service token",
      );
    return credentials;
  }

  /** The finding, as `GET /findings/:id` decides: someone else's is not found. */
  async function readFinding(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<Finding> {
    const notFound = `No finding ${id}`;
    await authorizeItem(
      permissions,
      credentials,
      { permission: mcpeekerFindingReadPermission, resourceRef: id },
      { notAllowed: 'You may not read MCP findings', notFound },
    );
    const finding = await findings.get(id);
    if (!finding) throw new NotFoundError(notFound);
    return finding;
  }

  /** Registry entries the caller may read, as `GET /registry` decides: their own, or all. */
  async function readableEntries(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<RegistryEntry[]> {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: mcpeekerRegistryReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) return [];
    return registry.allEntries(
      decision.result === AuthorizeResult.CONDITIONAL
        ? ownerFilterOf(decision)
        : {},
    );
  }

  const entrySummary = (z: typeof zodV3) =>
    z.object({
      id: z.string(),
      name: z.string(),
      owner: z.string(),
      team: z.string(),
      status: z.enum(['pending', 'approved', 'denied', 'revoked', 'expired']),
      expiresAt: z.string(),
      decisionReason: z.string().optional(),
    });
  const summaryOf = (entry: RegistryEntry) => ({
    id: entry.id,
    name: entry.name,
    owner: entry.owner,
    team: entry.team,
    status: entry.status,
    expiresAt: entry.expiresAt,
    ...(entry.decisionReason ? { decisionReason: entry.decisionReason } : {}),
  });
  const toolChangeShape = (z: typeof zodV3) =>
    z.object({
      appeared: z.array(z.string()),
      vanished: z.array(z.string()),
      changed: z.array(z.string()),
      pinnedAt: z.string(),
    });

  actionsRegistry.register({
    name: 'is-mcp-server-approved',
    title: 'Is this MCP server approved?',
    description: `Whether an approved, unexpired MCPeeker registry entry covers an MCP server, asked by its name, the command that starts it, its URL, or a finding's composite id (give at least one). Answers which entry covers it and until when; if none does, whether a registration is pending, denied, revoked or expired, and how to register it. Approved entries are the organisation's allowlist; pending and denied ones are shown to their owner (and to analysts and admins).`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .optional()
            .describe(
              'The server name as an MCP client config names it or as the server reports itself, or its package (e.g. @modelcontextprotocol/server-github)',
            ),
          compositeId: z
            .string()
            .optional()
            .describe(
              "A finding's composite id (mcp_ and 32 hex), as the portal shows it",
            ),
          command: z
            .string()
            .optional()
            .describe(
              'The command line that starts the server, e.g. "npx -y @modelcontextprotocol/server-github"',
            ),
          url: z.string().optional().describe("A remote server's URL"),
        }),
      output: z =>
        z.object({
          approved: z.boolean(),
          status: z
            .enum([
              'approved',
              'pending',
              'denied',
              'revoked',
              'expired',
              'none',
            ])
            .describe(
              'approved, else the status of the registration you may see that says most (none: no registration)',
            ),
          answer: z.string(),
          entry: entrySummary(z)
            .extend({ covers: z.enum(['identity', 'fleet-wide']) })
            .optional()
            .describe('The approved entry that covers it'),
          toolChange: toolChangeShape(z)
            .optional()
            .describe(
              'Its tools changed since approval: no registry discount until an admin approves again',
            ),
          approvedOnOtherHosts: z
            .array(entrySummary(z))
            .describe(
              'Approved entries for a server of this name, command or URL on particular hosts only',
            ),
          otherEntries: z
            .array(entrySummary(z))
            .describe('Registrations of it that are not approved'),
          howToRegister: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = person(credentials);
      const question = parseOr400(approvalQuestionSchema, input, 'question');
      // A finding the caller may read counts by its name too, as the scoring counts it.
      const finding = question.compositeId
        ? await readFinding(user, question.compositeId).catch(e => {
            // Not theirs to read: answered from the registry alone.
            if (e instanceof NotFoundError || e instanceof NotAllowedError)
              return undefined;
            throw e;
          })
        : undefined;
      const probe = probeOf({
        ...question,
        findingServerName: finding?.serverName,
      });
      const approved = (await registry.approvedEntries()).flatMap(entry => {
        const covers = coverageOf(entry, probe);
        return covers ? [{ entry, covers }] : [];
      });
      const match = approved.flatMap(({ entry, covers }) =>
        covers === 'described' ? [] : [{ entry, covers }],
      )[0];
      const onOtherHosts = approved
        .filter(a => a.covers === 'described')
        .map(a => summaryOf(a.entry));
      const now = new Date();
      const others = (await readableEntries(user))
        .filter(e => !approvalStands(e, now) && coverageOf(e, probe))
        .map(e => ({
          ...summaryOf(e),
          // Past its date, before the expiry job marked it: expired.
          status: standingStatus(e, now),
        }));
      const howToRegister = `Register it in the portal (${registerLink(
        finding?.compositeId,
      )}) or with the register-mcp-server tool; an admin then approves or denies it.`;

      if (match) {
        const { entry, covers } = match;
        const toolChange =
          finding?.registryStatus === 'tools-changed'
            ? finding.breakdown.toolChange
            : undefined;
        return {
          output: {
            approved: true,
            status: 'approved' as const,
            answer: `Approved: registry entry '${entry.name}' (${
              entry.id
            }, owner ${entry.owner}) covers it ${
              covers === 'fleet-wide' ? 'on every host' : 'as this very server'
            } until ${entry.expiresAt}.${
              toolChange
                ? ` But its tools changed since approval (${summarizeToolSetChange(
                    toolChange,
                  )}): it gets no registry discount until an admin approves it again.`
                : ''
            }`,
            entry: { ...summaryOf(entry), covers },
            ...(toolChange
              ? {
                  toolChange: {
                    appeared: toolChange.appeared,
                    vanished: toolChange.vanished,
                    changed: toolChange.changed,
                    pinnedAt: toolChange.pinnedAt,
                  },
                }
              : {}),
            approvedOnOtherHosts: onOtherHosts,
            otherEntries: others,
          },
        };
      }
      const status: (typeof STATUS_ORDER)[number] | 'none' =
        STATUS_ORDER.find(s => others.some(e => e.status === s)) ?? 'none';
      const shown = others.find(e => e.status === status);
      const because: Record<typeof status, string> = {
        none: 'No registration of it that you may see exists.',
        pending: `Registration '${shown?.name}' (${shown?.id}) is pending: an admin has not decided yet.`,
        denied: `Registration '${shown?.name}' (${shown?.id}) was denied${
          shown?.decisionReason ? `: ${shown.decisionReason}` : ''
        }.`,
        revoked: `Registration '${shown?.name}' (${shown?.id}) was revoked${
          shown?.decisionReason ? `: ${shown.decisionReason}` : ''
        }.`,
        expired: `Registration '${shown?.name}' (${shown?.id}) expired on ${shown?.expiresAt}.`,
      };
      return {
        output: {
          approved: false,
          status,
          answer: `Not approved: no approved, unexpired registry entry covers it. ${
            because[status]
          }${
            onOtherHosts.length
              ? ` Approved entries name it on particular hosts only (${onOtherHosts
                  .map(e => `'${e.name}'`)
                  .join(', ')}), which do not cover it elsewhere.`
              : ''
          }${status === 'pending' ? '' : ` ${howToRegister}`}`,
          approvedOnOtherHosts: onOtherHosts,
          otherEntries: others,
          ...(status === 'pending' ? {} : { howToRegister }),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-my-unapproved-mcp-servers',
    title: 'My unapproved MCP servers',
    description: `The MCP servers MCPeeker found on your own machines (an endpoint agent reported them for you or your team) that no approved registry entry covers, highest score first (at most ${MAX_LISTED_SERVERS}): name, score, classification, host, why each was flagged in words, and links to the finding and to its registration form in the portal.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          answer: z.string(),
          totalCount: z
            .number()
            .describe('How many there are (the list shows the first ones)'),
          servers: z.array(
            z.object({
              name: z.string(),
              compositeId: z.string(),
              score: z.number(),
              classification: z.enum(['authorized', 'suspect', 'unauthorized']),
              hostIdHash: z.string().optional(),
              lastSeen: z.string(),
              whyFlagged: z
                .array(z.string())
                .describe(
                  'Each point of the score with its reason, and the rules that fired',
                ),
              link: z.string().describe('The finding in the portal'),
              registerLink: z
                .string()
                .describe('The registration form, filled in from the finding'),
            }),
          ),
        }),
    },
    action: async ({ credentials }) => {
      const user = person(credentials);
      const readable = await findingReadScope(permissions, user);
      const { ownershipEntityRefs } = await deps.userInfo.getUserInfo(user);
      // "Mine": evidence of theirs or their groups', as far as they may read.
      const mine = [
        ...new Set([user.principal.userEntityRef, ...ownershipEntityRefs]),
      ];
      const ownerRefs = readable.ownerRefs
        ? mine.filter(ref => readable.ownerRefs!.includes(ref))
        : mine;
      const page = await findings.list({
        registryStatus: 'unregistered',
        // A suppressed one was judged a false positive or accepted: not "unapproved" to its owner.
        suppressed: 'exclude',
        // Judged not an MCP server: no server of theirs to approve.
        notMcp: 'exclude',
        ownerRefs,
        sort: 'score',
        limit: MAX_LISTED_SERVERS,
      });
      const servers = page.items.map(f => ({
        name: f.serverName ?? '(unnamed)',
        compositeId: f.compositeId,
        score: f.score,
        classification: f.classification,
        ...(f.hostIdHash ? { hostIdHash: f.hostIdHash } : {}),
        lastSeen: f.lastSeen,
        whyFlagged: reasonsOf(f.breakdown),
        link: findingLink(f.compositeId),
        registerLink: registerLink(f.compositeId),
      }));
      const total = `${page.totalCount}${page.totalCountCapped ? '+' : ''}`;
      const one = page.totalCount === 1;
      const listed =
        servers.length < page.totalCount
          ? ` (the ${servers.length} highest scores listed)`
          : '';
      const answer =
        page.totalCount === 0
          ? 'None: every MCP server found on your machines is covered by an approved registry entry.'
          : `${total} MCP server${
              one
                ? ' found on your machines is'
                : 's found on your machines are'
            } not approved${listed}.`;
      return {
        output: {
          answer,
          totalCount: page.totalCount,
          servers,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'register-mcp-server',
    title: 'Register an MCP server',
    description:
      "Registers an MCP server in MCPeeker's registry as pending, for an admin to approve: the same registration, checks and audit as the portal's form. It is yours (only admins register for others); give its name, what it is for, your team, until when it is needed (at most 365 days), how it talks, and what identifies it (at least one of host id hash with port, package, remote URL, command signature, composite id). A finding's fromFinding and identity.compositeId come from list-my-unapproved-mcp-servers.",
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .describe(
              'Its name: letters, digits and . _ / @ - (e.g. github-mcp or @modelcontextprotocol/server-github)',
            ),
          purpose: z
            .string()
            .describe('What it is for (10 to 1024 characters)'),
          team: z
            .string()
            .describe(
              'The team responsible, an entity ref such as group:default/team-a',
            ),
          expiresAt: z
            .string()
            .describe(
              'Until when it is needed: an ISO 8601 date-time, at most 365 days ahead',
            ),
          transport: z
            .enum(['stdio', 'http', 'sse'])
            .describe('How clients talk to it'),
          identity: z
            .object({
              hostIdHash: z
                .string()
                .optional()
                .describe('The host id hash (64 hex) a finding shows'),
              port: z
                .number()
                .int()
                .optional()
                .describe('The port it listens on (with hostIdHash)'),
              packageId: z
                .string()
                .optional()
                .describe(
                  'Its package, e.g. @modelcontextprotocol/server-github',
                ),
              packageVersion: z.string().optional(),
              remoteUrl: z
                .string()
                .optional()
                .describe('A remote server: its https URL'),
              commandSignature: z
                .string()
                .optional()
                .describe('The command that starts it, without secrets'),
              packageArguments: z
                .array(z.string())
                .optional()
                .describe(
                  'The arguments after its package in that command (e.g. ["/"]): what the command enforcement allows holds',
                ),
              compositeId: z
                .string()
                .optional()
                .describe("A finding's composite id: exactly that server"),
            })
            .describe('What identifies it: at least one of these'),
          owner: z
            .string()
            .optional()
            .describe('Whose it is; you unless you are an admin'),
          fromFinding: z
            .string()
            .optional()
            .describe('The composite id of the finding it registers'),
        }),
      output: z =>
        z.object({
          answer: z.string(),
          entry: entrySummary(z).extend({
            purpose: z.string(),
            transport: z.enum(['stdio', 'http', 'sse']),
            identity: z.record(
              z.union([z.string(), z.number(), z.array(z.string())]),
            ),
            createdBy: z.string(),
            createdAt: z.string(),
          }),
          link: z.string().describe('The Registry tab, searched for it'),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = person(credentials);
      const actor = user.principal.userEntityRef;
      // POST /registry's auditor event; the MCP request itself is audited by the mcp-actions plugin.
      const audit = await deps.auditor?.createEvent({
        eventId: 'registry-change',
        severityLevel: 'medium',
        meta: {
          method: 'POST',
          path: '/registry',
          via: 'action register-mcp-server',
          actor,
        },
      });
      let entry: RegistryEntry;
      try {
        entry = await deps.registration.register(user, () =>
          parseOr400(registryEntryCreateSchema, input, 'registration'),
        );
      } catch (error) {
        await audit?.fail({ error: error as Error });
        throw error;
      }
      await audit?.success({ meta: { entryId: entry.id } });
      return {
        output: {
          answer: `Registered '${entry.name}' (${entry.id}) as pending until ${entry.expiresAt}: an admin approves or denies it, and you are notified.`,
          entry: {
            ...summaryOf(entry),
            purpose: entry.purpose,
            transport: entry.transport,
            identity: entry.identity,
            createdBy: entry.createdBy,
            createdAt: entry.createdAt,
          },
          link: `${portal}/mcpeeker/registry?q=${encodeURIComponent(
            entry.name,
          )}`,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'why-was-mcp-server-flagged',
    title: 'Why was this MCP server flagged?',
    description:
      "Why MCPeeker scored a finding as it did: its score and classification, each contribution with its reason in words, the rules that fired, the Judge's verdict and explanation if a gateway saw it, where it stands with the registry, and how its tools changed since approval, if they did. Your own findings only (analysts and admins: any); give the finding's composite id.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          compositeId: z
            .string()
            .describe("The finding's composite id (mcp_ and 32 hex)"),
        }),
      output: z =>
        z.object({
          answer: z.string(),
          compositeId: z.string(),
          name: z.string(),
          score: z.number(),
          classification: z.enum(['authorized', 'suspect', 'unauthorized']),
          contributions: z.array(
            z.object({
              layer: z.string(),
              points: z.number(),
              reason: z.string(),
            }),
          ),
          rules: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              severity: z.string(),
              reason: z.string(),
            }),
          ),
          judge: z
            .object({
              verdict: z.enum(['mcp', 'not-mcp', 'uncertain']),
              confidence: z.number(),
              explanation: z.string(),
              judgedBy: z.enum(['claude', 'offline']).optional(),
            })
            .optional(),
          judgeUnavailable: z.boolean(),
          registry: z.object({
            status: z.enum(['unregistered', 'approved', 'tools-changed']),
            entryId: z.string().optional(),
            entryName: z.string().optional(),
          }),
          toolChange: toolChangeShape(z)
            .extend({
              explanation: z.string().optional(),
              explainedBy: z.enum(['claude', 'offline']).optional(),
            })
            .optional(),
          link: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = person(credentials);
      const { compositeId } = parseOr400(
        findingQuestionSchema,
        input,
        'question',
      );
      const finding = await readFinding(user, compositeId);
      const { breakdown } = finding;
      const match =
        finding.registryStatus === 'unregistered'
          ? undefined
          : await registry.match(finding);
      const explanation =
        finding.registryStatus === 'tools-changed'
          ? await deps.toolChanges.explanationFor(finding)
          : undefined;
      const toolChange = breakdown.toolChange;
      const judge = finding.signals.judge;
      return {
        output: {
          answer: `${finding.serverName ?? compositeId} scores ${
            finding.score
          } (${finding.classification}): ${reasonsOf(breakdown).join('; ')}.`,
          compositeId,
          name: finding.serverName ?? '(unnamed)',
          score: finding.score,
          classification: finding.classification,
          contributions: breakdown.contributions,
          rules: breakdown.rules.map(r => ({
            id: r.id,
            name: r.name,
            severity: r.severity,
            reason: r.reason,
          })),
          ...(judge
            ? {
                judge: {
                  verdict: judge.verdict,
                  confidence: judge.confidence,
                  explanation: judge.explanation,
                  ...(judge.judgedBy ? { judgedBy: judge.judgedBy } : {}),
                },
              }
            : {}),
          judgeUnavailable: finding.judgeUnavailable,
          registry: {
            status: finding.registryStatus,
            ...(match?.entryId ? { entryId: match.entryId } : {}),
            ...(match?.entryName ? { entryName: match.entryName } : {}),
          },
          ...(toolChange
            ? {
                toolChange: {
                  appeared: toolChange.appeared,
                  vanished: toolChange.vanished,
                  changed: toolChange.changed,
                  pinnedAt: toolChange.pinnedAt,
                  ...(explanation
                    ? {
                        explanation: explanation.text,
                        explainedBy: explanation.judgedBy,
                      }
                    : {}),
                },
              }
            : {}),
          link: findingLink(compositeId),
        },
      };
    },
  });
}
