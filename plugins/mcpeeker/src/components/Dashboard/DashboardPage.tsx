import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { mcpeekerAgentManagePermission } from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { agentsRouteRef } from '../../routes';
import { ScoreDistributionChart } from './ScoreDistributionChart';
import { SummaryCards } from './SummaryCards';
import { TrendlinesChart } from './TrendlinesChart';

/** What to do when nothing has reported yet. */
function NothingFound({ mayEnrol }: { mayEnrol: boolean }) {
  const agentsUrl = useRouteRef(agentsRouteRef);
  return (
    <EmptyState
      missing="info"
      title="No MCP servers found yet"
      description={
        <>
          Run the MCPeeker agent on a developer machine and the MCP servers in
          its clients' configs, processes and listening ports appear here:{' '}
          <code>mcpeeker-agent run</code>. <code>docs/agent.md</code> in the
          MCPeeker repository tells how to install, enrol and schedule it; an
          LLM gateway's request log goes in with{' '}
          <code>mcpeeker-agent gateway</code> (<code>docs/gateway.md</code>).
        </>
      }
      action={
        mayEnrol && agentsUrl ? (
          <Button
            variant="contained"
            color="primary"
            component={RouterLink}
            to={agentsUrl()}
          >
            Enrol an agent
          </Button>
        ) : undefined
      }
    />
  );
}

/**
 * The MCPeeker landing tab: the summary's numbers, how scores are spread and
 * how findings come and go, each leading into the Findings list filtered so.
 * A developer's are of their own servers (the backend narrows them), and the
 * heading says so, as the summary's `scope` does.
 */
export function DashboardPage() {
  const api = useApi(mcpeekerApiRef);
  const { allowed: mayEnrol } = usePermission({
    permission: mcpeekerAgentManagePermission,
  });
  const { value, loading, error } = useAsync(
    () => api.getAnalyticsSummary(),
    [api],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (value.totalFindings === 0) return <NothingFound mayEnrol={mayEnrol} />;
  const fleet = value.scope === 'all';
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="h4" component="h2">
          {fleet ? 'All MCP servers' : 'Your MCP servers'}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {fleet
            ? 'Every host that reports to MCPeeker.'
            : 'The servers found on your machines, and those matching your approved registrations.'}{' '}
          Click a number, a bar or a point to open the findings behind it.
          Suppressed findings are counted nowhere here, as the Findings list
          leaves them out unless asked to show them.
        </Typography>
      </Grid>
      <SummaryCards summary={value} />
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Score distribution"
          subheader="Findings per score; a bar leads to its findings"
        >
          <ScoreDistributionChart />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Seen over time"
          subheader="Findings seen per hour, day or week, by classification"
        >
          <TrendlinesChart />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
