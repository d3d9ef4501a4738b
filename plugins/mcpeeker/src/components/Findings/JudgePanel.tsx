import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import WarningIcon from '@material-ui/icons/Warning';
import type {
  FindingDetail,
  GatewayEvent,
  JudgeVerdict,
} from '@mcpeeker/plugin-mcpeeker-common';
import { LocalTime } from '../LocalTime';

/** Requests shown in the panel; the Evidence card's gateway tab has them all. */
const REQUESTS_SHOWN = 10;

const useStyles = makeStyles(theme => ({
  unavailable: {
    color: theme.palette.warning?.dark ?? '#c77700',
    borderColor: theme.palette.warning?.main ?? '#ed6c02',
  },
  unavailableIcon: { color: theme.palette.warning?.main ?? '#ed6c02' },
  explanation: {
    // The Judge's own line breaks are kept; its markup is not markup.
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  excerpt: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    margin: 0,
    padding: theme.spacing(1),
    width: '100%',
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
  chip: { marginRight: theme.spacing(0.5) },
}));

/** A verdict in words, as an analyst says it. */
export function verdictInWords(verdict: JudgeVerdict['verdict']): string {
  switch (verdict) {
    case 'mcp':
      return 'uses an MCP server';
    case 'not-mcp':
      return 'no MCP server';
    default:
      return 'not sure';
  }
}

/** Who gave a verdict, when the verdict says; Claude with its model. */
export function judgeName(
  judge: Pick<JudgeVerdict, 'judgedBy' | 'model'>,
): string | undefined {
  if (judge.judgedBy === 'offline') return 'Offline judge (rule-based)';
  if (judge.judgedBy === 'claude')
    return judge.model ? `Claude ${judge.model}` : 'Claude';
  return undefined;
}

/** A verdict's confidence as people say it: 95%. */
export const percent = (confidence: number) =>
  `${Math.round(confidence * 100)}%`;

/**
 * The badge of a finding scored without the Judge: `compact` in a list row,
 * the whole sentence on the finding's page.
 */
export function JudgeUnavailableChip({ compact }: { compact?: boolean }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes.unavailable}
      icon={<WarningIcon className={classes.unavailableIcon} />}
      label={
        compact
          ? 'Judge unavailable'
          : 'Judge unavailable — scored without it; rescored when it answers'
      }
      title={
        compact
          ? 'Scored without the Judge; rescored when it answers'
          : undefined
      }
    />
  );
}

/** Who judged, as a badge. */
function JudgedByChip({ judge }: { judge: JudgeVerdict }) {
  const name = judgeName(judge);
  return name ? (
    <Chip
      size="small"
      color={judge.judgedBy === 'claude' ? 'primary' : 'default'}
      label={name}
    />
  ) : (
    <>not recorded</>
  );
}

/**
 * One request the Judge read: the event that carried it, with the verdict on
 * it — its own, or the one that came later for it (`verdictFor`).
 */
interface JudgedRequest {
  event: GatewayEvent;
  judge?: JudgeVerdict;
}

function judgedRequests(events: GatewayEvent[]): JudgedRequest[] {
  const laterVerdicts = new Map<string, JudgeVerdict>();
  for (const event of events)
    if (event.verdictFor && event.judge)
      laterVerdicts.set(event.verdictFor, event.judge);
  const stored = new Set(events.map(e => e.eventId));
  return events
    .filter(e => !e.verdictFor || !stored.has(e.verdictFor))
    .map(event => ({
      event,
      judge: event.judge ?? laterVerdicts.get(event.eventId),
    }));
}

function RequestJudged({ request }: { request: JudgedRequest }) {
  const classes = useStyles();
  const { event, judge } = request;
  const r = event.request;
  const id = `judged-request-${event.eventId.slice(0, 16)}`;
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`${id}-content`}
        id={`${id}-header`}
      >
        <Typography variant="body2">
          Request {r.requestId}
          {r.model ? ` to ${r.model}` : ''}:{' '}
          {judge
            ? `${verdictInWords(judge.verdict)} (${percent(judge.confidence)})`
            : 'not judged yet'}
        </Typography>
      </AccordionSummary>
      <AccordionDetails id={`${id}-content`}>
        <Box width="100%">
          <StructuredMetadataTable
            dense
            metadata={{
              Model: r.model ?? 'not logged',
              API: r.api ?? 'not logged',
              Tools: r.toolNames.length ? r.toolNames.join(', ') : 'none',
              'MCP servers': r.mcpServers.length
                ? r.mcpServers
                    .map(s => (s.url ? `${s.name} (${s.url})` : s.name))
                    .join(', ')
                : 'none named',
              Gateway: event.sensor.id,
              Observed: <LocalTime iso={event.observedAt} />,
            }}
          />
          <Typography variant="subtitle2" style={{ marginTop: 8 }}>
            What the Judge read
          </Typography>
          {r.excerpt ? (
            <pre className={classes.excerpt} data-testid="judge-excerpt">
              {r.excerpt}
            </pre>
          ) : (
            <Typography variant="body2" color="textSecondary">
              No excerpt: the gateway logged the tools only.
            </Typography>
          )}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * What the Judge said about a finding seen through an LLM gateway: its
 * verdict in words, how sure, who judged, why (the explanation as text:
 * a model wrote it from an attacker's request, so it is never markup), the
 * servers it named and the requests it read.
 */
export function JudgePanel({ finding }: { finding: FindingDetail }) {
  const classes = useStyles();
  const events = finding.evidence.gateway.filter(
    (e): e is GatewayEvent => e.layer === 'gateway',
  );
  const judge = finding.signals.judge;
  const requests = judgedRequests(events);
  // The strongest verdict is one of the events'; theirs says the model and
  // the servers, which the finding's summary of it does not keep.
  const source = judge
    ? events.find(
        e =>
          e.judge?.verdict === judge.verdict &&
          e.judge.confidence === judge.confidence &&
          e.judge.explanation === judge.explanation,
      )?.judge
    : undefined;
  const verdict: JudgeVerdict | undefined = judge && {
    ...judge,
    model: source?.model,
  };
  const servers = [
    ...new Set(events.flatMap(e => e.judge?.servers ?? [])),
  ].sort();

  return (
    <InfoCard title="Judge">
      {finding.judgeUnavailable && (
        <Box marginBottom={2}>
          <JudgeUnavailableChip />
        </Box>
      )}
      {verdict ? (
        <>
          <StructuredMetadataTable
            metadata={{
              Verdict: verdictInWords(verdict.verdict),
              Confidence: percent(verdict.confidence),
              'Judged by': <JudgedByChip judge={verdict} />,
              'Servers it named': servers.length
                ? servers.map(s => (
                    <Chip
                      key={s}
                      size="small"
                      variant="outlined"
                      label={s}
                      className={classes.chip}
                    />
                  ))
                : 'none',
            }}
          />
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Why
          </Typography>
          <Typography
            variant="body2"
            className={classes.explanation}
            data-testid="judge-explanation"
          >
            {verdict.explanation}
          </Typography>
        </>
      ) : (
        <Typography variant="body2">
          No verdict yet: the Judge has not answered for any request of this
          finding.
        </Typography>
      )}
      <Typography
        variant="subtitle2"
        style={{ marginTop: 16, marginBottom: 8 }}
      >
        {requests.length === 1
          ? 'The request it judged'
          : `The requests it judged (${requests.length})`}
      </Typography>
      {requests.slice(0, REQUESTS_SHOWN).map(request => (
        <RequestJudged key={request.event.eventId} request={request} />
      ))}
      {requests.length > REQUESTS_SHOWN && (
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
        >
          And {requests.length - REQUESTS_SHOWN} more in the gateway tab of the
          evidence below.
        </Typography>
      )}
    </InfoCard>
  );
}
