import { useState } from 'react';
import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { mcpeekerRegistryApprovePermission } from '@mcpeeker/plugin-mcpeeker-common';
import type {
  FindingDetail,
  ScoreBreakdown,
} from '@mcpeeker/plugin-mcpeeker-common';
import { mcpeekerApiRef } from '../../api';
import { registryEntryRouteRef } from '../Registry/entryRoute';
import { LocalTime } from '../LocalTime';
import { errorMessage } from '../Registry/RegisterForm';
import {
  countOf,
  inCard,
  listOptions,
  oneLine,
  wholeWords,
} from '../TableParts';
import { judgeName } from './JudgePanel';

const useStyles = makeStyles(theme => ({
  changed: {
    color: theme.palette.warning?.dark ?? '#c77700',
    borderColor: theme.palette.warning?.main ?? '#ed6c02',
  },
  changedIcon: { color: theme.palette.warning?.main ?? '#ed6c02' },
  warning: {
    border: `1px solid ${theme.palette.warning?.main ?? '#ed6c02'}`,
    borderLeftWidth: 6,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  explanation: {
    // The explanation's own line breaks are kept; its markup is not markup.
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

/** Who reported a tool set, in words: `endpoint/port` is the agent's port probe. */
export function toolSourceInWords(from: string): string {
  switch (from) {
    case 'endpoint/port':
      return "the agent's port probe";
    case 'gateway/request':
      return 'an LLM gateway request';
    default:
      return from;
  }
}

/**
 * The badge of a finding whose server's tools changed since its entry was
 * approved: `compact` in a list row.
 */
export function ToolsChangedChip({ compact }: { compact?: boolean }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes.changed}
      icon={<WarningIcon className={classes.changedIcon} />}
      label={compact ? 'Tools changed' : 'Tools changed since approval'}
      title={
        compact
          ? 'Its tools changed since approval: no registry discount until an admin approves them'
          : undefined
      }
    />
  );
}

/** A tool as the card lists it; a probe of an older agent names tools without their definitions' hashes. */
interface ToolRow {
  id: string;
  name: string;
  hash?: string;
  /** How it stands against the approved set, when the set changed since. */
  since?: string;
}

/**
 * The server's tools as last reported: the finding's own set (names and
 * definition hashes), else the names of its latest port probe.
 */
function currentTools(
  finding: FindingDetail,
): { tools: ToolRow[]; from: string; seenAt: string } | undefined {
  const reported = finding.signals.tools;
  if (reported)
    return {
      tools: reported.definitions.map(t => ({ id: t.name, ...t })),
      from: reported.from,
      seenAt: reported.seenAt,
    };
  const probes = finding.evidence.endpoint
    .flatMap(e =>
      e.layer === 'endpoint' && e.detection.source === 'port'
        ? [{ at: e.observedAt, tools: e.detection.tools }]
        : [],
    )
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  if (probes.length === 0) return undefined;
  return {
    tools: [...new Set(probes[0].tools)]
      .sort()
      .map(name => ({ id: name, name })),
    from: 'endpoint/port',
    seenAt: probes[0].at,
  };
}

/** Whether a finding has tools, or a change of them, for the Tools card to show. */
export function hasToolsToShow(finding: FindingDetail): boolean {
  return !!(finding.breakdown.toolChange || currentTools(finding));
}

type ToolChange = NonNullable<ScoreBreakdown['toolChange']>;

function sinceApproval(change: ToolChange, name: string): string {
  if (change.appeared.includes(name)) return 'new since approval';
  if (change.changed.includes(name)) return 'definition changed';
  return 'as approved';
}

const TOOL_COLUMNS: TableColumn<ToolRow>[] = [
  { title: 'Tool', field: 'name', cellStyle: wholeWords },
  {
    title: 'Definition',
    field: 'hash',
    cellStyle: oneLine,
    render: t =>
      t.hash ? (
        <span title={t.hash} style={{ fontFamily: 'monospace' }}>
          {t.hash.slice(0, 12)}…
        </span>
      ) : (
        'not reported'
      ),
  },
];

/**
 * The columns, made once: the table keeps its sort and page only while they
 * stay the same (a new set each render also made material-table warn). How
 * each tool stands since approval comes with its row.
 */
const CHANGED_TOOL_COLUMNS: TableColumn<ToolRow>[] = [
  ...TOOL_COLUMNS,
  { title: 'Since approval', field: 'since', cellStyle: oneLine },
];

/** One list of the diff, named in words, with "none" when empty. */
function ChangeList(props: {
  id: string;
  title: string;
  meaning: string;
  names: string[];
}) {
  return (
    <Typography variant="body2" data-testid={props.id}>
      <strong>{props.title}</strong> ({props.meaning}):{' '}
      {props.names.length ? props.names.join(', ') : 'none'}
    </Typography>
  );
}

/** An admin accepts the tools the server offers now: the entry is approved again and pins them. */
function ApproveTools({
  change,
  onApproved,
}: {
  change: ToolChange;
  onApproved: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const approve = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.decide(
        change.entryId,
        'approve',
        reason || undefined,
      );
      onApproved(
        `Tools of '${change.entryName}' approved and pinned; ${countOf(
          result.rescoredFindings,
          'finding',
          'findings',
        )} rescored`,
      );
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 8, marginTop: 16 }}
    >
      <TextField
        size="small"
        id="approve-tools-reason"
        label="Reason"
        value={reason}
        onChange={e => setReason(e.target.value)}
      />
      <Button
        color="primary"
        variant="contained"
        size="small"
        disabled={busy}
        onClick={approve}
      >
        Approve these tools
      </Button>
      {problem && (
        <Typography color="error" role="alert" variant="body2">
          {problem}
        </Typography>
      )}
    </Box>
  );
}

/** What changed since approval: the diff, why it matters in words, the entry, and for admins the way to accept it. */
function ToolChangeWarning({
  finding,
  change,
  onApproved,
}: {
  finding: FindingDetail;
  change: ToolChange;
  onApproved: (message: string) => void;
}) {
  const classes = useStyles();
  const entryUrl = useRouteRef(registryEntryRouteRef);
  const { allowed: mayApprove } = usePermission({
    permission: mcpeekerRegistryApprovePermission,
  });
  const explanation = finding.toolChangeExplanation;
  const entry = `registry entry '${change.entryName}'`;
  return (
    <section
      className={classes.warning}
      aria-labelledby="tools-changed-heading"
    >
      <Box display="flex" alignItems="center" gridGap={8} marginBottom={1}>
        <WarningIcon className={classes.changedIcon} />
        <Typography variant="h6" component="h3" id="tools-changed-heading">
          Tools changed since approval
        </Typography>
      </Box>
      <Typography variant="body2" paragraph>
        The server offers other tools than the set pinned on{' '}
        {entryUrl ? (
          <Link to={entryUrl({ id: change.entryId })}>{entry}</Link>
        ) : (
          entry
        )}{' '}
        on <LocalTime iso={change.pinnedAt} />. It gets no registry discount
        until an admin approves these tools.
      </Typography>
      <ChangeList
        id="tools-appeared"
        title="Appeared"
        meaning="offered now, not when approved"
        names={change.appeared}
      />
      <ChangeList
        id="tools-vanished"
        title="Vanished"
        meaning="approved, no longer offered"
        names={change.vanished}
      />
      <ChangeList
        id="tools-changed"
        title="Changed"
        meaning="same name, another description or input schema"
        names={change.changed}
      />
      {explanation && (
        <>
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            gridGap={8}
            marginTop={2}
          >
            <Typography variant="subtitle2">What changed, in words</Typography>
            <Chip
              size="small"
              color={explanation.judgedBy === 'claude' ? 'primary' : 'default'}
              label={`Explained by: ${judgeName({
                judgedBy: explanation.judgedBy,
              })}`}
            />
          </Box>
          <Typography
            variant="body2"
            className={classes.explanation}
            data-testid="tool-change-explanation"
          >
            {explanation.text}
          </Typography>
        </>
      )}
      {mayApprove && <ApproveTools change={change} onApproved={onApproved} />}
    </section>
  );
}

/**
 * The server's tools (name, definition hash, who reported them and when)
 * and, when they differ from the set pinned at approval, what changed.
 * `onApproved` reloads the finding after an admin approved its tools.
 */
export function ToolsPanel({
  finding,
  onApproved,
}: {
  finding: FindingDetail;
  onApproved: () => void;
}) {
  const [message, setMessage] = useState<string>();
  const change = finding.breakdown.toolChange;
  const current = currentTools(finding);
  return (
    <InfoCard title="Tools">
      {message && (
        <Typography role="status" variant="body2" paragraph>
          {message}
        </Typography>
      )}
      {change && (
        <ToolChangeWarning
          finding={finding}
          change={change}
          onApproved={m => {
            setMessage(m);
            onApproved();
          }}
        />
      )}
      {current ? (
        <>
          <Typography variant="body2" color="textSecondary">
            {countOf(current.tools.length, 'tool', 'tools')} as{' '}
            {toolSourceInWords(current.from)} reported them,{' '}
            <LocalTime iso={current.seenAt} />
          </Typography>
          <Table<ToolRow>
            columns={change ? CHANGED_TOOL_COLUMNS : TOOL_COLUMNS}
            data={
              change
                ? current.tools.map(t => ({
                    ...t,
                    since: sinceApproval(change, t.name),
                  }))
                : current.tools
            }
            options={{
              ...listOptions(current.tools.length),
              toolbar: false,
            }}
            style={inCard}
          />
        </>
      ) : (
        <Typography variant="body2">
          No layer reported this server&apos;s tools.
        </Typography>
      )}
    </InfoCard>
  );
}
