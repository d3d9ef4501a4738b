import { useMemo } from 'react';
import {
  InfoCard,
  Link,
  ResponseErrorPanel,
  StructuredMetadataTable,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Finding,
  MCPEEKER_ANNOTATIONS,
  McpServerSpec,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { findingRouteRef } from '../../routes';
import { ClassificationChip } from '../Findings/ClassificationChip';
import {
  ExpiryBadge,
  PinnedToolsSummary,
  StatusChip,
  useEntryUrl,
} from '../Registry/EntryParts';
import { HostName } from '../HostName';
import { LocalTime } from '../LocalTime';
import { useFindingsOfServerUrl } from '../Registry/EntryPage';
import {
  countOf,
  EmptyRows,
  listOptions,
  oneLine,
  wholeWords,
} from '../TableParts';

function useMcpSpec() {
  const { entity } = useEntity();
  return {
    name: entity.metadata.title ?? entity.metadata.name,
    spec: entity.spec as unknown as McpServerSpec,
    registeredBy:
      entity.metadata.annotations?.[MCPEEKER_ANNOTATIONS.registeredBy],
  };
}

/**
 * What detection says of a server: its findings by server name, as far as
 * the viewer may see them (entities carry no detection: it depends on who
 * asks).
 */
function useDetection(name: string, spec: McpServerSpec) {
  const api = useApi(mcpeekerApiRef);
  const serverName = spec.serverName ?? name;
  const { value } = useAsync(async () => {
    // Highest score first: the first page holds the top score; the count is
    // the list's own, hosts and last seen are over the page (up to 200).
    const { items, totalCount } = await api.listFindings({
      serverName,
      limit: 200,
    });
    if (items.length === 0) return undefined;
    return {
      findings: totalCount,
      hosts: new Set(items.map(f => f.hostIdHash)).size,
      maxScore: items[0].score,
      classification: items[0].classification,
      lastSeen: items
        .map(f => f.lastSeen)
        .sort()
        .at(-1)!,
    };
  }, [api, serverName]);
  return value;
}

/** The registry entry behind the entity, if the viewer may read it. */
function useEntry(entryId: string | undefined) {
  const api = useApi(mcpeekerApiRef);
  const { value } = useAsync(
    async () => (entryId ? api.getEntry(entryId) : undefined),
    [api, entryId],
  );
  return value;
}

/** The MCPServer overview card: registry status and expiry, and what detection says. */
export function McpServerOverviewCard() {
  const { name, spec, registeredBy } = useMcpSpec();
  const registry = spec.registry;
  const detection = useDetection(name, spec);
  const entryUrl = useEntryUrl();
  const findingsOf = useFindingsOfServerUrl();
  const serverName = spec.serverName ?? name;
  // Expiry and registrant are the registry's to show, to whom may read it.
  const entry = useEntry(registry?.entryId);
  const expiresAt = entry?.expiresAt ?? registry?.expiresAt;
  return (
    <InfoCard title="MCPeeker">
      <StructuredMetadataTable
        metadata={{
          Registry: registry ? (
            <span data-testid="entity-registry-status">
              {registry.status === 'unregistered' && 'not registered'}
              {registry.status !== 'unregistered' && (
                <StatusChip status={registry.status} />
              )}
              {registry.entryId && entryUrl && (
                <>
                  {' '}
                  <Link to={entryUrl(registry.entryId)}>Open the entry</Link>
                </>
              )}
            </span>
          ) : (
            'not registered'
          ),
          ...(registry && expiresAt
            ? {
                Expires: (
                  <ExpiryBadge
                    entry={
                      {
                        expiresAt,
                        status: registry.status,
                      } as RegistryEntry
                    }
                  />
                ),
              }
            : {}),
          ...(entry ? { Owner: entry.owner } : {}),
          ...(entry || registeredBy
            ? { 'Registered by': entry?.createdBy ?? registeredBy }
            : {}),
          ...(entry
            ? { 'Pinned tools': <PinnedToolsSummary entry={entry} /> }
            : {}),
          Detection: detection ? (
            <span data-testid="entity-detection">
              <ClassificationChip
                score={detection.maxScore}
                classification={detection.classification}
              />{' '}
              {countOf(detection.findings, 'finding', 'findings')} on{' '}
              {countOf(detection.hosts, 'host', 'hosts')}, last seen{' '}
              <LocalTime iso={detection.lastSeen} />
              {findingsOf && (
                <>
                  {' '}
                  <Link to={findingsOf(serverName)}>Show the findings</Link>
                </>
              )}
            </span>
          ) : (
            'not detected'
          ),
          Transport: spec.transport ?? 'unknown',
          ...(spec.packageId ? { Package: spec.packageId } : {}),
          ...(spec.remoteUrl ? { 'Remote URL': spec.remoteUrl } : {}),
        }}
      />
    </InfoCard>
  );
}

type FindingRow = Finding & { id: string };

const NO_FINDINGS = <EmptyRows>No findings you may see.</EmptyRows>;

/** The MCP tab: the findings of this server (as far as the viewer may see them). */
export function McpServerFindingsContent() {
  const { name, spec } = useMcpSpec();
  const api = useApi(mcpeekerApiRef);
  const findingUrl = useRouteRef(findingRouteRef);
  const serverName = spec.serverName ?? name;
  const { value, loading, error } = useAsync(
    () => api.listFindings({ serverName, limit: 100 }),
    [api, serverName],
  );
  // Rows carry an id: the table keeps each row's state by it.
  const rows = useMemo(
    () => (value?.items ?? []).map(f => ({ ...f, id: f.compositeId })),
    [value],
  );
  const columns = useMemo<TableColumn<FindingRow>[]>(
    () => [
      {
        title: 'Score',
        field: 'score',
        cellStyle: oneLine,
        render: f => {
          const chip = (
            <ClassificationChip
              score={f.score}
              classification={f.classification}
            />
          );
          // Without the MCPeeker page in the app there is no detail to open.
          return findingUrl ? (
            <Link to={findingUrl({ id: f.compositeId })}>{chip}</Link>
          ) : (
            chip
          );
        },
      },
      {
        title: 'Host',
        field: 'hostIdHash',
        cellStyle: oneLine,
        render: f =>
          f.hostIdHash ? <HostName host={{ hostIdHash: f.hostIdHash }} /> : '—',
      },
      {
        title: 'Owner',
        field: 'owner',
        cellStyle: wholeWords,
        render: f => f.owner ?? '—',
      },
      {
        title: 'Layers',
        field: 'layers',
        cellStyle: oneLine,
        render: f => f.layers.join(', '),
      },
      {
        title: 'Last seen',
        field: 'lastSeen',
        cellStyle: oneLine,
        render: f => <LocalTime iso={f.lastSeen} />,
      },
    ],
    [findingUrl],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Table<FindingRow>
      title={`Findings of ${serverName}`}
      columns={columns}
      data={rows}
      isLoading={loading}
      emptyContent={NO_FINDINGS}
      options={listOptions(rows.length)}
    />
  );
}
