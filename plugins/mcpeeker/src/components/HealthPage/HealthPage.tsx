import {
  ContentHeader,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  DependencyHealth,
  HealthReport,
} from '@mcpeeker/plugin-mcpeeker-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';

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
        <InfoCard
          title={<OverallStatus status={value.status} />}
          subheader={`MCPeeker ${value.version}, checked ${new Date(
            value.checkedAt,
          ).toLocaleString()}`}
        >
          <Table size="small" aria-label="Dependencies">
            <TableHead>
              <TableRow>
                <TableCell>Dependency</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Detail</TableCell>
                <TableCell align="right">Latency</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(
                Object.keys(DEPENDENCY_LABELS) as Array<
                  keyof HealthReport['dependencies']
                >
              ).map(name => {
                const health = value.dependencies[name];
                return (
                  <TableRow key={name} data-testid={`dependency-${name}`}>
                    <TableCell>{DEPENDENCY_LABELS[name]}</TableCell>
                    <TableCell>
                      <DependencyStatus health={health} />
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">{health.detail}</Typography>
                      {health.error && (
                        <Typography variant="body2" color="error">
                          {health.error}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell align="right">
                      {health.latencyMs !== undefined
                        ? `${health.latencyMs} ms`
                        : ''}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </InfoCard>
      )}
    </>
  );
}
