import { useApi, useApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  Finding,
  MCPEEKER_ANNOTATIONS,
  RegistryEntry,
  RegistryStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { useEntityOfEntry } from '../Registry/EntryPage';

/** Which entry speaks for a finding when several do: the one in force, then the one waiting, then the rest. */
const STATUS_RANK: RegistryStatus[] = [
  'approved',
  'pending',
  'denied',
  'revoked',
  'expired',
];

/**
 * The registry entry that stands for a finding (`entryStandsFor`, as
 * scoring decides: by composite id, a fleet-wide entry by name), as far as the viewer may read the registry: an approved one, else
 * one waiting for approval (the finding is then still "unregistered" to
 * scoring, but not to the person who registered it), else the latest other.
 */
export function useEntryOfFinding(
  finding:
    | Pick<Finding, 'compositeId' | 'serverName' | 'registryStatus'>
    | undefined,
): RegistryEntry | undefined {
  const api = useApi(mcpeekerApiRef);
  const { value } = useAsync(async () => {
    if (!finding) return undefined;
    const { items } = await api.listRegistry({
      finding: finding.compositeId,
      serverName: finding.serverName,
      limit: 20,
    });
    return [...items].sort(
      (a, b) => STATUS_RANK.indexOf(a.status) - STATUS_RANK.indexOf(b.status),
    )[0];
    // A registry decision changes the finding's registry status: asked again then.
  }, [api, finding?.compositeId, finding?.serverName, finding?.registryStatus]);
  return value;
}

/**
 * The registry entry that registered a finding's server before it changed
 * (same host and name, another command: a pinned version, other
 * arguments), when none stands for it: its page tells the owner how to
 * move the registration to the server as it runs now.
 */
export function useFormerEntryOfFinding(
  finding: Pick<Finding, 'compositeId' | 'serverName'> | undefined,
  entry: RegistryEntry | undefined,
): RegistryEntry | undefined {
  const api = useApi(mcpeekerApiRef);
  const { value } = useAsync(async () => {
    if (!finding?.serverName || entry) return undefined;
    const { items } = await api.listRegistry({
      finding: finding.compositeId,
      serverName: finding.serverName,
      changed: true,
      limit: 20,
    });
    return items.find(e => e.status === 'approved' || e.status === 'pending');
  }, [api, finding?.compositeId, finding?.serverName, entry]);
  return value;
}

/**
 * The catalog's MCPServer entity of a finding: its registry entry's, else
 * the one detection made of its server name (when the catalog is in the app
 * and the viewer may read it).
 */
export function useEntityOfFinding(
  finding: Pick<Finding, 'serverName'> | undefined,
  entry: RegistryEntry | undefined,
) {
  const ofEntry = useEntityOfEntry(entry?.id);
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value: detected } = useAsync(async () => {
    if (!catalogApi || entry || !finding?.serverName) return undefined;
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'MCPServer',
        [`metadata.annotations.${MCPEEKER_ANNOTATIONS.serverName}`]:
          finding.serverName,
      },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
      ],
    });
    // Detection's own entity: the one no registry entry claims.
    return items.find(
      e => !e.metadata.annotations?.[MCPEEKER_ANNOTATIONS.registryEntryId],
    );
  }, [catalogApi, entry, finding?.serverName]);
  return ofEntry ?? detected;
}
