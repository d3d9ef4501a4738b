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
import {
  hiddenFindingsQuery,
  mcpeekerAgentManagePermission,
  type AnalyticsSummary,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { agentsRouteRef, findingsRouteRef } from '../../routes';
import { findingsHref } from '../Findings/findingFilters';
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

/** "3 findings", "1 finding". */
const findings = (n: number) => `${n} ${n === 1 ? 'finding' : 'findings'}`;

/**
 * What to say when findings exist but the Dashboard counts none of them:
 * each is suppressed, no longer reported, or judged not an MCP server. Not
 * "nothing found": something has reported, and the Findings list shows them
 * when asked.
 */
function NothingLeftToShow({
  hidden,
}: {
  hidden: AnalyticsSummary['hiddenFindings'];
}) {
  const findingsUrl = useRouteRef(findingsRouteRef);
  const { total, suppressed, noLongerReported, notMcp } = hidden;
  const reasons = [
    ...(suppressed ? ['suppressed'] : []),
    ...(noLongerReported ? ['no longer reported'] : []),
    ...(notMcp ? ['judged not an MCP server'] : []),
  ];
  const why =
    reasons.length > 0
      ? reasons.join(' or ')
      : 'suppressed or no longer reported';
  const each = total === 1 ? 'The one finding is' : `All ${total} findings are`;
  const parts = [
    ...(suppressed ? [`${findings(suppressed)} suppressed`] : []),
    ...(noLongerReported
      ? [`${findings(noLongerReported)} no longer reported`]
      : []),
    ...(notMcp ? [`${findings(notMcp)} judged not an MCP server`] : []),
  ];
  return (
    <EmptyState
      missing="info"
      title={`${each} ${why}`}
      description={
        <>
          {suppressed + noLongerReported > 0
            ? 'MCP servers have been found, but the Dashboard counts neither suppressed findings nor those no agent reports any more (removed from their config, or changed into another server)'
            : 'Nothing counted as an MCP server has been found'}
          {notMcp > 0 &&
            `${
              suppressed + noLongerReported > 0
                ? ', nor'
                : ': the Dashboard leaves out'
            } LLM-gateway requests the Judge judged not to be an MCP server's`}
          , as the Findings list leaves them out unless asked to show them.
          {parts.length >= 2 &&
            ` Of the ${findings(total)}: ${parts.join(', ')}${
              suppressed + noLongerReported + notMcp > total
                ? ` (a finding can be ${
                    parts.length === 2 ? 'both' : 'several'
                  })`
                : ''
            }.`}
        </>
      }
      action={
        findingsUrl ? (
          <Button
            variant="contained"
            color="primary"
            component={RouterLink}
            to={findingsHref(findingsUrl(), {}, hiddenFindingsQuery())}
          >
            Show them in the Findings list
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
  if (value.totalFindings === 0)
    return value.hiddenFindings.total > 0 ? (
      <NothingLeftToShow hidden={value.hiddenFindings} />
    ) : (
      <NothingFound mayEnrol={mayEnrol} />
    );
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
