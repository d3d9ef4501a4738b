import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The direct members (user entity refs) of each of the given groups. */
export type TeamMembers = (teams: string[]) => Promise<Map<string, string[]>>;

/**
 * Team members as the catalog says: users with a `memberOf` relation to the
 * group (direct members, as Backstage's ownership refs count them). Read
 * with the plugin's own credentials; a catalog that fails throws, so what is
 * stored is never replaced by nothing.
 */
export function catalogTeamMembers(services: {
  catalog: CatalogService;
  auth: AuthService;
}): TeamMembers {
  return async teams => {
    const out = new Map<string, string[]>(teams.map(t => [t, []]));
    if (teams.length === 0) return out;
    const byLower = new Map(teams.map(t => [t.toLowerCase(), t]));
    const { items } = await services.catalog.getEntities(
      {
        filter: { kind: 'user', 'relations.memberOf': teams },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
      },
      { credentials: await services.auth.getOwnServiceCredentials() },
    );
    for (const user of items) {
      const ref = stringifyEntityRef(user);
      for (const relation of user.relations ?? []) {
        const team = byLower.get(relation.targetRef.toLowerCase());
        if (relation.type === 'memberOf' && team) out.get(team)!.push(ref);
      }
    }
    return out;
  };
}
