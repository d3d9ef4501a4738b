import { ReactNode, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { findingsRouteRef, registerRouteRef } from '../../routes';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { Link as RouterLink } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useLocation, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  approvalStands,
  judgedNotMcp,
  standingStatus,
  type Finding,
  type McpEvent,
  type RegistryEntry,
  type ScoreBreakdown,
  type Signals,
} from '@mcpeeker/plugin-mcpeeker-common';
import { mcpeekerApiRef } from '../../api';
import {
  EmptyRows,
  inCard,
  listOptions,
  oneLine,
  tableOptions,
} from '../TableParts';
import { EntryLink, STATUS_WORDS } from '../Registry/EntryParts';
import { IdText } from '../IdText';
import { usePageTitle } from '../PageTitle';
import { LocalTime, withLocalTimes } from '../LocalTime';
import { isMissingOrHidden, MissingOrHidden } from '../MissingOrHidden';
import { ClassificationChip } from './ClassificationChip';
import { FeedbackCard } from './FeedbackCard';
import { FormerEntryWords, registrationMovedFrom } from './FormerEntry';
import {
  useEntityOfFinding,
  useEntryOfFinding,
  useFormerEntryOfFinding,
} from './findingLinks';
import type { FindingLinkState } from './findingFilters';
import { judgeName, JudgePanel, percent, verdictInWords } from './JudgePanel';
import { NoLongerReportedBanner } from './NoLongerReportedBanner';
import { RisksCard } from './RisksCard';
import { ScoreHelp } from './ScoreHelp';
import { SuppressionBanner } from './SuppressionBanner';
import { TimelineCard } from './TimelineCard';
import { hasToolsToShow, ToolsChangedChip, ToolsPanel } from './ToolsPanel';
import { lastTriageChange, TriageCard } from './TriageCard';
import { NotMcpBanner, NotMcpChip } from './NotMcpBanner';

const LAYERS = ['endpoint', 'network', 'gateway'] as const;
// The same element per layer: Backstage's Table rebuilds its rows whenever
// emptyContent changes, closing what a row holds open.
const NOTHING_FROM = Object.fromEntries(
  LAYERS.map(l => [l, <EmptyRows>Nothing from the {l} layer.</EmptyRows>]),
) as Record<(typeof LAYERS)[number], JSX.Element>;

/** The Judge's strongest verdict on a finding, or why there is none. */
function describeJudge(
  judge: Signals['judge'],
  judgeUnavailable: boolean,
): string {
  if (judgeUnavailable) return 'unavailable: scored without it';
  if (!judge) return 'no verdict: no gateway request joined this finding';
  const by = judgeName(judge);
  return `${verdictInWords(judge.verdict)} (${percent(judge.confidence)} sure)${
    by ? ` — ${by}` : ''
  }`;
}

/**
 * Where a finding stands with the registry, in words: its status for
 * scoring, or the status of the entry that waits or was refused (a pending
 * registration is not "unregistered" to whoever made it, nor is a revoked
 * approval: it says when, by whom and why).
 */
export function describeRegistry(
  status: Finding['registryStatus'],
  entry: RegistryEntry | undefined,
): ReactNode {
  switch (status) {
    case 'approved':
      return 'approved';
    case 'tools-changed':
      return 'approved — tools changed since approval';
    default:
      if (!entry || approvalStands(entry)) return 'unregistered';
      if (entry.status === 'revoked')
        return (
          <>
            approval revoked
            {entry.decidedAt && (
              <>
                {' '}
                on <LocalTime iso={entry.decidedAt} />
              </>
            )}
            {entry.decidedBy && ` by ${entry.decidedBy}`}
            {entry.decisionReason && `: ${entry.decisionReason}`}
          </>
        );
      // Past its date it is expired, before the expiry job says so too.
      return STATUS_WORDS[standingStatus(entry)];
  }
}

/**
 * The registry row: the status in words, and the entry's page when there is
 * one; else the entry that registered this server before it changed, which
 * does not cover it (the one rule: `entryStandsFor`).
 */
export function RegistryOfFinding({
  finding,
  entry,
  former,
}: {
  finding: Finding;
  /** The entry that stands for the finding (`useEntryOfFinding`). */
  entry: RegistryEntry | undefined;
  /** An entry of its host and name that does not stand for it (`useFormerEntryOfFinding`): it registered this server before it changed, or (this finding gone) it was moved to the server as it runs now (`FormerEntryWords`). */
  former?: RegistryEntry;
}) {
  const words = describeRegistry(finding.registryStatus, entry);
  if (!entry && former)
    return (
      <span data-testid="finding-registry">
        {words} — <FormerEntryWords finding={finding} former={former} />
        {registrationMovedFrom(finding, former)
          ? ''
          : "; its owner can update the registration to it on the entry's page"}
      </span>
    );
  if (!entry) return <>{words}</>;
  return (
    <span data-testid="finding-registry">
      {words} — <EntryLink entry={entry}>registry entry {entry.name}</EntryLink>
    </span>
  );
}

function describeEvent(event: McpEvent): string {
  if (event.layer === 'endpoint') {
    const d = event.detection;
    switch (d.source) {
      case 'config':
        return `${d.client} config (${d.scope}) declares '${d.serverName}': ${
          d.command !== undefined
            ? [d.command, ...(d.args ?? [])].join(' ')
            : d.url
        } — ${d.configPath}`;
      case 'process':
        return `running process ${d.pid}: ${[d.command, ...d.args].join(' ')}${
          d.parentClient ? `, started by ${d.parentClient}` : ''
        }`;
      case 'port':
        return `port ${d.port} answered the MCP handshake as ${
          d.serverInfo.name
        } ${d.serverInfo.version ?? ''} (${d.tools.length} tools) at ${d.url}`;
      default:
        return `${d.manifestKind} of '${d.serverName}' being built at ${d.manifestPath}`;
    }
  }
  if (event.layer === 'network') {
    return `${event.mcp.method ?? 'MCP'} over ${event.flow.transport} to port ${
      event.flow.dstPort
    }${
      event.signature
        ? `, signature ${event.signature.id} ${event.signature.name}`
        : ''
    }`;
  }
  return `gateway request ${
    event.request.requestId
  } with tools ${event.request.toolNames.join(', ')}${
    event.judge
      ? `; ${judgeName(event.judge) ?? 'Judge'}: ${verdictInWords(
          event.judge.verdict,
        )} — ${event.judge.explanation}`
      : '; Judge unavailable'
  }`;
}

type Contribution = ScoreBreakdown['contributions'][number] & {
  id: string;
};

const contributionColumns: TableColumn<Contribution>[] = [
  // Narrow layer and points columns: the reason is what there is to read.
  { title: 'Layer', field: 'layer', width: '15%', cellStyle: oneLine },
  {
    title: 'Points',
    field: 'points',
    width: '15%',
    align: 'right',
    cellStyle: oneLine,
    render: c => (c.points > 0 ? `+${c.points}` : c.points),
  },
  {
    title: 'Reason',
    field: 'reason',
    render: c => <>{withLocalTimes(c.reason, [c.noLongerReportedSince])}</>,
  },
];

const eventColumns: TableColumn<McpEvent & { id: string }>[] = [
  {
    title: 'Observed',
    field: 'observedAt',
    cellStyle: oneLine,
    render: event => <LocalTime iso={event.observedAt} />,
  },
  {
    title: 'Event',
    sorting: false,
    render: event => (
      <>
        <Typography variant="body2">{describeEvent(event)}</Typography>
        {event.evidence.map((e, i) => (
          <Typography
            key={i}
            variant="caption"
            component="div"
            color="textSecondary"
          >
            {e.kind}: {e.snippet}
          </Typography>
        ))}
      </>
    ),
  },
  {
    title: 'Sensor',
    field: 'sensor.kind',
    cellStyle: oneLine,
  },
];

/** One finding: why it scored what it scored, and the evidence per layer. */
export function FindingDetail() {
  const { id = '' } = useParams();
  const findingsUrl = useRouteRef(findingsRouteRef);
  // Back to the list as it was filtered, when the list led here.
  const backSearch = (useLocation().state as FindingLinkState | null)
    ?.findingsSearch;
  const registerUrl = useRouteRef(registerRouteRef);
  const api = useApi(mcpeekerApiRef);
  // The evidence tab the reader chose; until they choose, the first layer
  // that has any (a gateway-only finding opens on its gateway requests).
  const [tab, setTab] = useState<number>();
  // Each change made here (triage, feedback, a lifted suppression, approved
  // tools) reloads the finding and what is told of it. A new version, not a
  // retry: a retry while the last reload is under way would be dropped, and
  // of several quick changes only the latest answer is shown.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion(v => v + 1);
  const { value, loading, error } = useAsync(
    () => api.getFinding(id),
    [api, id, version],
  );
  const timeline = useAsync(() => api.getTimeline(id), [api, id, version]);
  const entry = useEntryOfFinding(value);
  const former = useFormerEntryOfFinding(value, entry);
  const entity = useEntityOfFinding(value, entry);
  // The browser's tab names the server, as the page's first card does.
  usePageTitle(value && (value.serverName ?? value.compositeId));

  // Reloading (after an approval) keeps the page in view.
  if (loading && !value) return <Progress />;
  if (isMissingOrHidden(error))
    return (
      <MissingOrHidden
        what="finding"
        back={
          findingsUrl && {
            to: `${findingsUrl()}${backSearch ?? ''}`,
            label: backSearch ? '← Findings' : '← All findings',
          }
        }
      />
    );
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const shownTab =
    tab ??
    Math.max(
      0,
      LAYERS.findIndex(l => value.evidence[l].length > 0),
    );
  const layer = LAYERS[shownTab];
  // Registered and not refused: registering it again is not what is needed.
  const registered =
    entry?.status === 'pending' || entry?.status === 'approved' || !!former;
  // The Judge says it is no MCP server: no class to show, nothing to register.
  const notMcp = judgedNotMcp(value);
  return (
    <Grid container spacing={3}>
      {findingsUrl && (
        <Grid item xs={12}>
          {backSearch ? (
            <Link to={`${findingsUrl()}${backSearch}`}>← Findings</Link>
          ) : (
            <Link to={findingsUrl()}>← All findings</Link>
          )}
        </Grid>
      )}
      {notMcp && (
        <Grid item xs={12}>
          <NotMcpBanner finding={value} />
        </Grid>
      )}
      {value.breakdown.noLongerReported && (
        <Grid item xs={12}>
          <NoLongerReportedBanner finding={value} />
        </Grid>
      )}
      {value.triage.suppression && (
        <Grid item xs={12}>
          <SuppressionBanner
            finding={value}
            timeline={timeline.value?.items}
            onLifted={reload}
          />
        </Grid>
      )}
      <Grid item xs={12} md={5}>
        <InfoCard
          title={value.serverName ?? value.compositeId}
          subheader={
            <Box display="flex" alignItems="center" gridGap={4}>
              {notMcp ? (
                <NotMcpChip />
              ) : (
                <ClassificationChip
                  score={value.score}
                  classification={value.classification}
                />
              )}
              <ScoreHelp />
              {value.registryStatus === 'tools-changed' && <ToolsChangedChip />}
            </Box>
          }
        >
          <StructuredMetadataTable
            metadata={{
              'Composite id': (
                <IdText id={value.compositeId} label="composite id" />
              ),
              Owner: value.owner ?? 'unknown',
              Host: value.hostIdHash ? (
                <IdText id={value.hostIdHash} label="host id" />
              ) : (
                'unknown'
              ),
              Registry: notMcp ? (
                'nothing to register: judged not an MCP server'
              ) : (
                <RegistryOfFinding
                  finding={value}
                  entry={entry}
                  former={former}
                />
              ),
              'Catalog entity': entity ? (
                <EntityRefLink entityRef={entity} />
              ) : (
                'not in the catalog'
              ),
              Judge: describeJudge(value.signals.judge, value.judgeUnavailable),
              'First seen': <LocalTime iso={value.firstSeen} />,
              'Last seen': <LocalTime iso={value.lastSeen} />,
            }}
          />
          {value.registryStatus === 'unregistered' &&
            !registered &&
            !notMcp &&
            registerUrl && (
              <Button
                variant="outlined"
                color="primary"
                component={RouterLink}
                to={{
                  pathname: registerUrl(),
                  search: `?${new URLSearchParams({
                    finding: value.compositeId,
                  })}`,
                }}
                style={{ marginTop: 16 }}
              >
                Register this server
              </Button>
            )}
        </InfoCard>
        <Box marginTop={3}>
          <TriageCard
            finding={value}
            lastChange={lastTriageChange(timeline.value?.items)}
            onChanged={reload}
          />
        </Box>
        {hasToolsToShow(value) && (
          <Box marginTop={3}>
            <ToolsPanel finding={value} onApproved={reload} />
          </Box>
        )}
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard title="Why this score">
          <Table<Contribution>
            columns={contributionColumns}
            data={value.breakdown.contributions.map((c, i) => ({
              ...c,
              id: `${c.layer}-${i}`,
            }))}
            options={{
              ...tableOptions,
              toolbar: false,
              paging: false,
              sorting: false,
            }}
            style={inCard}
            // The sum under the points: the score and what it classifies as.
            renderSummaryRow={({ index }) =>
              [
                <strong key="total">Total</strong>,
                <strong key="score">{value.score}</strong>,
                `${value.classification} (authorized ≤ 4, suspect 5–8, unauthorized ≥ 9)`,
              ][index]
            }
          />
          {value.breakdown.rules.length > 0 && (
            <>
              <Typography variant="subtitle2" style={{ marginTop: 16 }}>
                Rules that fired
              </Typography>
              {value.breakdown.rules.map(r => (
                <Typography
                  key={r.id}
                  variant="body2"
                  data-testid={`rule-${r.id}`}
                >
                  {r.reason}
                </Typography>
              ))}
              <div style={{ marginTop: 8 }}>
                {value.breakdown.tags.map(t => (
                  <Chip
                    key={t}
                    size="small"
                    label={t}
                    style={{ marginRight: 4 }}
                  />
                ))}
              </div>
            </>
          )}
        </InfoCard>
        {(value.signals.risks?.length ?? 0) > 0 && (
          <Box marginTop={3}>
            <RisksCard
              finding={value}
              entry={entry}
              former={former}
              onChanged={reload}
            />
          </Box>
        )}
        {(value.evidence.gateway.length > 0 || value.judgeUnavailable) && (
          <Box marginTop={3}>
            <JudgePanel finding={value} />
          </Box>
        )}
        <Box marginTop={3}>
          <FeedbackCard
            finding={value}
            reloadKey={version}
            onChanged={reload}
          />
        </Box>
      </Grid>
      <Grid item xs={12}>
        <TimelineCard timeline={timeline.value} error={timeline.error} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Evidence">
          <Tabs
            value={shownTab}
            onChange={(_e, v) => setTab(v)}
            indicatorColor="primary"
          >
            {LAYERS.map(l => (
              <Tab key={l} label={`${l} (${value.evidence[l].length})`} />
            ))}
          </Tabs>
          <Table<McpEvent & { id: string }>
            // A table per layer: each has its own page and sort order.
            key={layer}
            columns={eventColumns}
            data={value.evidence[layer].map(event => ({
              ...event,
              id: event.eventId,
            }))}
            emptyContent={NOTHING_FROM[layer]}
            options={{
              ...listOptions(value.evidence[layer].length),
              toolbar: false,
            }}
            style={inCard}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
