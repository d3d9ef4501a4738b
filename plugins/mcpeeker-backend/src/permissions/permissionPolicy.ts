import { UserInfoService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  mcpeekerConditions,
  mcpeekerFindingReadPermission,
  mcpeekerRegistryReadPermission,
  mcpeekerRegistryUpdatePermission,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  createFindingConditionalDecision,
  createRegistryEntryConditionalDecision,
  findingConditions,
  registryEntryConditions,
} from './conditions';

/** @public */
export type McpeekerRole = 'admin' | 'analyst' | 'developer';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * MCPeeker's roles on Backstage permissions. Groups from
 * `mcpeeker.roles.{developers,analysts,admins}` (defaults: the demo org's
 * groups) map to three roles:
 *
 * | permission                         | developer            | analyst              | admin |
 * | ---------------------------------- | -------------------- | -------------------- | ----- |
 * | mcpeeker.finding.read              | own findings         | all                  | all   |
 * | mcpeeker.feedback.create / read    | no                   | yes                  | yes   |
 * | mcpeeker.triage.update             | no                   | yes                  | yes   |
 * | mcpeeker.suppression.read / create | no                   | yes                  | yes   |
 * | mcpeeker.suppression.delete        | no                   | no                   | yes   |
 * | mcpeeker.audit.read                | no                   | yes                  | yes   |
 * | mcpeeker.registry.create           | yes                  | yes                  | yes   |
 * | mcpeeker.registry.read             | own entries          | all                  | all   |
 * | mcpeeker.registry.update           | own entries          | own entries          | all   |
 * | mcpeeker.registry.approve / delete | no                   | no                   | yes   |
 * | mcpeeker.agent.manage              | no                   | no                   | yes   |
 *
 * "Own" is the user's entity ref or a group they belong to; an own finding
 * holds evidence of theirs or matches an approved entry of theirs. Someone in no
 * MCPeeker group gets no MCPeeker permission; everything outside MCPeeker is
 * allowed, as before.
 *
 * @public
 */
export class McpeekerPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly roles: {
      developers: string[];
      analysts: string[];
      admins: string[];
    },
    private readonly userInfo: Pick<UserInfoService, 'getUserInfo'>,
  ) {}

  static fromConfig(config: Config, userInfo: UserInfoService) {
    const refs = (key: string, fallback: string) =>
      config.getOptionalStringArray(`mcpeeker.roles.${key}`) ?? [fallback];
    return new McpeekerPermissionPolicy(
      {
        developers: refs('developers', 'group:default/mcp-developers'),
        analysts: refs('analysts', 'group:default/security-analysts'),
        admins: refs('admins', 'group:default/platform-admins'),
      },
      userInfo,
    );
  }

  roleOf(ownershipRefs: string[]): McpeekerRole | undefined {
    const has = (groups: string[]) =>
      groups.some(g => ownershipRefs.includes(g));
    if (has(this.roles.admins)) return 'admin';
    if (has(this.roles.analysts)) return 'analyst';
    if (has(this.roles.developers)) return 'developer';
    return undefined;
  }

  /** A person's refs (theirs and their groups') and role; undefined for anything but a person. */
  private async person(user?: PolicyQueryUser) {
    const principal = user?.credentials.principal as
      | { type: string; userEntityRef?: string }
      | undefined;
    if (!user || principal?.type !== 'user' || !principal.userEntityRef)
      return undefined;
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    return {
      refs: [...new Set([principal.userEntityRef, ...ownershipEntityRefs])],
      role: this.roleOf(ownershipEntityRefs),
    };
  }

  private async catalogEntityRead(
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const person = await this.person(user);
    // Plugins reading the catalog for themselves (processing, the search
    // collator, MCPeeker's own provider) are not people: unchanged.
    if (!person) return ALLOW;
    if (person.role === 'admin' || person.role === 'analyst') return ALLOW;
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: mcpeekerConditions.mcpServerEntityVisible({
        claims: person.refs,
      }),
    };
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (name === 'catalog.entity.read') return this.catalogEntityRead(user);
    if (!name.startsWith('mcpeeker.')) return ALLOW;
    const person = await this.person(user);
    const role = person?.role;
    if (!person || !role) return DENY;
    const own = { ownerRefs: person.refs };
    const { permission } = request;
    if (isPermission(permission, mcpeekerFindingReadPermission))
      return role === 'developer'
        ? createFindingConditionalDecision(
            permission,
            findingConditions.isOnOwnEndpoint(own),
          )
        : ALLOW;
    if (isPermission(permission, mcpeekerRegistryReadPermission))
      return role === 'developer'
        ? createRegistryEntryConditionalDecision(
            permission,
            registryEntryConditions.isOwnEntry(own),
          )
        : ALLOW;
    if (isPermission(permission, mcpeekerRegistryUpdatePermission))
      return role === 'admin'
        ? ALLOW
        : createRegistryEntryConditionalDecision(
            permission,
            registryEntryConditions.isOwnEntry(own),
          );
    switch (permission.name) {
      case 'mcpeeker.feedback.create':
      case 'mcpeeker.feedback.read':
      case 'mcpeeker.triage.update':
      case 'mcpeeker.suppression.read':
      case 'mcpeeker.suppression.create':
      case 'mcpeeker.audit.read':
        return role === 'developer' ? DENY : ALLOW;
      case 'mcpeeker.registry.create':
        return ALLOW;
      case 'mcpeeker.registry.approve':
      case 'mcpeeker.registry.delete':
      case 'mcpeeker.suppression.delete':
      case 'mcpeeker.agent.manage':
        return role === 'admin' ? ALLOW : DENY;
      default:
        // A permission this policy does not know yet: closed, not open.
        return DENY;
    }
  }
}
