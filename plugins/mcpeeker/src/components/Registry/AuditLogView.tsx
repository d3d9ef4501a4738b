import { ReactNode, useMemo, useState } from 'react';
import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  AUDIT_ACTIONS,
  auditActionInWords,
  FeedbackVerdict,
  isAuditAction,
  RegistryStatus,
  TriageStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { AuditRecord, mcpeekerApiRef } from '../../api';
import {
  agentsRouteRef,
  findingRouteRef,
  suppressionsRouteRef,
} from '../../routes';
import { LocalTime } from '../LocalTime';
import { TRIAGE_STATUS_WORDS, VERDICT_WORDS } from '../Findings/triageWords';
import { EmptyRows, listOptions, oneLine, wholeWords } from '../TableParts';
import { STATUS_WORDS, useEntryUrl } from './EntryParts';

type AuditRow = AuditRecord & { id: string };

const isStatus = (v: unknown): v is RegistryStatus =>
  typeof v === 'string' && v in STATUS_WORDS;

/** A triage change's from and to, in words: "status Open → Investigating". */
function triageChangeInWords(from: unknown, to: unknown): string[] {
  const f = (from ?? {}) as { status?: string; assignee?: string | null };
  const t = (to ?? {}) as { status?: string; assignee?: string | null };
  const said: string[] = [];
  const status = (v?: string) =>
    TRIAGE_STATUS_WORDS[v as TriageStatus] ?? v ?? 'Open';
  if (f.status !== t.status)
    said.push(`status ${status(f.status)} → ${status(t.status)}`);
  if ((f.assignee ?? null) !== (t.assignee ?? null))
    said.push(`assignee ${f.assignee ?? 'nobody'} → ${t.assignee ?? 'nobody'}`);
  return said;
}

/**
 * What an audit row did, in words: the action (as the portal's buttons say
 * it), the change it made, the reason.
 */
export function describeAuditRow(row: AuditRecord): string {
  const d = row.details as Record<string, unknown>;
  const changes: string[] = [];
  if (isStatus(d.from) && isStatus(d.to) && d.from !== d.to)
    changes.push(`${STATUS_WORDS[d.from]} → ${STATUS_WORDS[d.to]}`);
  if (row.action === 'triage-update')
    changes.push(...triageChangeInWords(d.from, d.to));
  if (row.action === 'feedback' && typeof d.verdict === 'string')
    changes.push(VERDICT_WORDS[d.verdict as FeedbackVerdict] ?? d.verdict);
  const reason =
    typeof d.reason === 'string' && d.reason ? `: ${d.reason}` : '';
  return `${auditActionInWords(row.action)}${
    changes.length ? ` (${changes.join('; ')})` : ''
  }${reason}`;
}

/** An id cut short for a table cell, the whole in its title. */
function ShortId({ id }: { id: string }) {
  return (
    <code title={id} style={{ whiteSpace: 'nowrap' }}>
      {id.length > 16 ? `${id.slice(0, 16)}…` : id}
    </code>
  );
}

/**
 * What an audit row is about, by its kind (registry entry, suppression,
 * finding, agent, agent enrolment) and by name where it has one, linked to
 * where it is shown.
 */
export function AuditSubject({ row }: { row: AuditRecord }) {
  const entryUrl = useEntryUrl();
  const findingUrl = useRouteRef(findingRouteRef);
  const suppressionsUrl = useRouteRef(suppressionsRouteRef);
  const agentsUrl = useRouteRef(agentsRouteRef);
  const id = row.entryId;
  if (!id) return <>—</>;
  const d = row.details as { name?: unknown; label?: unknown; owner?: unknown };
  const kind = isAuditAction(row.action)
    ? AUDIT_ACTIONS[row.action].subject
    : undefined;
  const linked = (to: string | undefined, text: ReactNode) =>
    to ? <Link to={to}>{text}</Link> : text;
  const said = (words: string, what: ReactNode) => (
    <span>
      <Typography variant="caption" color="textSecondary" component="span">
        {words}
      </Typography>{' '}
      {what}
    </span>
  );
  switch (kind) {
    case 'registry-entry': {
      const name =
        row.entryName ?? (typeof d.name === 'string' ? d.name : undefined);
      return said(
        'registry entry',
        linked(entryUrl?.(id), name ?? <ShortId id={id} />),
      );
    }
    case 'suppression':
      return said(
        'suppression',
        linked(
          suppressionsUrl && `${suppressionsUrl()}?show=all`,
          typeof d.label === 'string' ? d.label : <ShortId id={id} />,
        ),
      );
    case 'finding':
      return said('finding', linked(findingUrl?.({ id }), <ShortId id={id} />));
    case 'agent':
    case 'agent-enrolment':
      return said(
        kind === 'agent' ? 'agent' : 'agent enrolment',
        linked(
          agentsUrl?.(),
          typeof d.owner === 'string' ? (
            <>
              <ShortId id={id} /> of {d.owner}
            </>
          ) : (
            <ShortId id={id} />
          ),
        ),
      );
    default:
      return <ShortId id={id} />;
  }
}

const WHEN: TableColumn<AuditRow> = {
  title: 'When',
  field: 'at',
  cellStyle: oneLine,
  width: '180px',
  render: r => <LocalTime iso={r.at} />,
};
const WHO: TableColumn<AuditRow> = {
  title: 'Who',
  field: 'actor',
  cellStyle: wholeWords,
  width: '220px',
};
const WHAT: TableColumn<AuditRow> = {
  title: 'What',
  field: 'action',
  sorting: false,
  render: r => describeAuditRow(r),
};
const SUBJECT: TableColumn<AuditRow> = {
  title: 'Subject',
  field: 'entryId',
  cellStyle: wholeWords,
  render: r => <AuditSubject row={r} />,
};

/**
 * The columns: made once, for the table keeps its sort and page only while
 * they stay the same. One entry's history needs no subject.
 */
const LOG_COLUMNS = [WHEN, WHO, WHAT, SUBJECT];
const HISTORY_COLUMNS = [WHEN, WHO, WHAT];

/** Whether the audit chain is whole, in words. */
function Verification() {
  const api = useApi(mcpeekerApiRef);
  const { value, error } = useAsync(() => api.verifyAudit(), [api]);
  if (error)
    return (
      <Typography color="error" role="alert" variant="body2">
        Could not check the audit chain: {error.message}
      </Typography>
    );
  if (!value) return null;
  return value.ok ? (
    <Typography variant="body2" data-testid="audit-verification">
      Chain verified: all {value.rows.toLocaleString('en-US')}{' '}
      {value.rows === 1 ? 'row' : 'rows'} as written.
    </Typography>
  ) : (
    <Typography
      variant="body2"
      color="error"
      role="alert"
      data-testid="audit-verification"
    >
      Chain broken at row {value.firstBadSeq}: {value.message}.
    </Typography>
  );
}

/**
 * The audit log (analysts and admins): who did what, to which registry
 * entry, suppression, finding or agent, and when; filtered by that subject's
 * id or by who acted, with the chain's verification. With `entryId` it is
 * one entry's history.
 */
// The same element while the text is the same: Backstage's Table rebuilds
// its rows whenever emptyContent changes, closing what a row holds open.
const NO_CHANGES = <EmptyRows title="No changes recorded" />;

export function AuditLogView({ entryId }: { entryId?: string }) {
  const api = useApi(mcpeekerApiRef);
  const [actor, setActor] = useState('');
  const [entry, setEntry] = useState('');
  const filterEntry = entryId ?? entry.trim();
  const { value, loading, error } = useAsync(
    () =>
      api.listAudit({
        entry: filterEntry || undefined,
        actor: actor.trim() || undefined,
        limit: 500,
      }),
    [api, filterEntry, actor],
  );
  const rows = useMemo(
    () => (value?.items ?? []).map(r => ({ ...r, id: String(r.seq) })),
    [value],
  );
  const columns = entryId ? HISTORY_COLUMNS : LOG_COLUMNS;
  return (
    <>
      {!entryId && (
        <Grid
          container
          spacing={2}
          alignItems="center"
          style={{ marginBottom: 16 }}
        >
          <Grid item>
            <TextField
              id="audit-actor"
              label="Who (entity ref)"
              placeholder="user:default/pat"
              value={actor}
              onChange={e => setActor(e.target.value)}
            />
          </Grid>
          <Grid item>
            <TextField
              id="audit-entry"
              label="Subject id"
              value={entry}
              onChange={e => setEntry(e.target.value)}
            />
          </Grid>
          <Grid item style={{ flex: 1 }}>
            <Verification />
          </Grid>
        </Grid>
      )}
      {error ? (
        <ResponseErrorPanel error={error} />
      ) : (
        <>
          {loading && value && <Progress />}
          <Table<AuditRow>
            title={entryId ? 'History' : 'Audit log'}
            subtitle={
              value &&
              `${rows.length.toLocaleString('en-US')} ${
                rows.length === 1 ? 'change' : 'changes'
              }, newest first`
            }
            columns={columns}
            data={rows}
            isLoading={loading && !value}
            emptyContent={NO_CHANGES}
            options={listOptions(rows.length)}
          />
        </>
      )}
    </>
  );
}
