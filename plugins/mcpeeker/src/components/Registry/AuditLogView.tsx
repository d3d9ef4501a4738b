import { useMemo, useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { AuditRecord, mcpeekerApiRef } from '../../api';
import { EmptyRows, listOptions, oneLine, wholeWords } from '../TableParts';
import { useEntryUrl } from './EntryParts';
import { Link } from '@backstage/core-components';

type AuditRow = AuditRecord & { id: string };

/** What an audit row did, in words: the action, the status change, the reason. */
export function describeAuditRow(row: AuditRecord): string {
  const d = row.details as {
    from?: string;
    to?: string;
    reason?: string;
    name?: string;
  };
  const change =
    d.from && d.to && d.from !== d.to ? ` (${d.from} → ${d.to})` : '';
  return `${row.action}${change}${d.reason ? `: ${d.reason}` : ''}`;
}

function auditColumns(
  entryUrl: ((id: string) => string) | undefined,
  withEntry: boolean,
): TableColumn<AuditRow>[] {
  return [
    {
      title: 'When',
      field: 'at',
      cellStyle: oneLine,
      width: '180px',
      render: r => new Date(r.at).toLocaleString(),
    },
    { title: 'Who', field: 'actor', cellStyle: wholeWords, width: '220px' },
    {
      title: 'What',
      field: 'action',
      sorting: false,
      render: r => describeAuditRow(r),
    },
    ...(withEntry
      ? [
          {
            title: 'Entry',
            field: 'entryId',
            cellStyle: wholeWords,
            render: (r: AuditRow) => {
              if (!r.entryId) return '—';
              const name =
                (r.details as { name?: string }).name ?? r.entryId.slice(0, 8);
              return entryUrl ? (
                <Link to={entryUrl(r.entryId)}>{name}</Link>
              ) : (
                name
              );
            },
          } as TableColumn<AuditRow>,
        ]
      : []),
  ];
}

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
 * The audit log of registry and agent changes (analysts and admins): who did
 * what to which entry, and when; filtered by entry or by who acted, with the
 * chain's verification. With `entryId` it is one entry's history.
 */
export function AuditLogView({ entryId }: { entryId?: string }) {
  const api = useApi(mcpeekerApiRef);
  const entryUrl = useEntryUrl();
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
  const columns = useMemo(
    () => auditColumns(entryUrl, !entryId),
    [entryUrl, entryId],
  );
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
              label="Entry id"
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
            emptyContent={<EmptyRows title="No changes recorded" />}
            options={listOptions(rows.length)}
          />
        </>
      )}
    </>
  );
}
