import {
  ContentHeader,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  DependencyHealth,
  HealthReport,
} from '@mcpeeker/plugin-mcpeeker-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { localTime } from '../LocalTime';
import { oneLine, tableOptions } from '../TableParts';

const DEPENDENCY_LABELS: Record<keyof HealthReport['dependencies'], string> = {
  database: 'Database',
  nats: 'NATS JetStream',
  clickhouse: 'ClickHouse',
  judge: 'Judge',
};

function DependencyStatus({ health }: { health: DependencyHealth }) {
  switch (health.status) {
    case 'ok':
      return <StatusOK>ok</StatusOK>;
    case 'down':
      return <StatusError>down</StatusError>;
    default:
      return <StatusPending>disabled</StatusPending>;
  }
}

function OverallStatus({ status }: { status: HealthReport['status'] }) {
  if (status === 'ok') return <StatusOK>All systems ok</StatusOK>;
  if (status === 'degraded') {
    return (
      <StatusWarning>Degraded: an optional dependency is down</StatusWarning>
    );
  }
  return <StatusError>Down: the database is unreachable</StatusError>;
}

type DependencyRow = DependencyHealth & { id: string; label: string };

const dependencyColumns: TableColumn<DependencyRow>[] = [
  { title: 'Dependency', field: 'label', cellStyle: oneLine },
  {
    title: 'Status',
    field: 'status',
    cellStyle: oneLine,
    render: health => <DependencyStatus health={health} />,
  },
  {
    title: 'Detail',
    field: 'detail',
    render: health => (
      <>
        <Typography variant="body2">{health.detail}</Typography>
        {health.error && (
          <Typography variant="body2" color="error">
            {health.error}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Latency',
    field: 'latencyMs',
    align: 'right',
    cellStyle: oneLine,
    render: health =>
      health.latencyMs !== undefined ? `${health.latencyMs} ms` : '',
  },
];

/** The MCPeeker backend's health, dependency by dependency. */
export function HealthPage() {
  const api = useApi(mcpeekerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getHealth(),
    [api],
  );

  return (
    <>
      <ContentHeader title="Backend health">
        <Button variant="outlined" onClick={retry} disabled={loading}>
          Check again
        </Button>
      </ContentHeader>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Table<DependencyRow>
          title={<OverallStatus status={value.status} />}
          subtitle={`MCPeeker ${value.version}, checked ${localTime(
            value.checkedAt,
          )}`}
          columns={dependencyColumns}
          data={(
            Object.keys(DEPENDENCY_LABELS) as Array<
              keyof HealthReport['dependencies']
            >
          ).map(name => ({
            ...value.dependencies[name],
            id: name,
            label: DEPENDENCY_LABELS[name],
          }))}
          options={{ ...tableOptions, paging: false, sorting: false }}
        />
      )}
    </>
  );
}
