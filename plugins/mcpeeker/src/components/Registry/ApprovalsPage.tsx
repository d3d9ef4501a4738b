import { useMemo, useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { EmptyRows, listOptions, oneLine, wholeWords } from '../TableParts';
import { errorMessage } from './RegisterForm';
import {
  describeIdentity,
  ExpiryBadge,
  PinnedToolsSummary,
} from './EntryParts';

function Decision({
  entry,
  onDone,
}: {
  entry: RegistryEntry;
  onDone: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const decide = async (decision: 'approve' | 'deny') => {
    try {
      const result = await api.decide(entry.id, decision, reason || undefined);
      onDone(
        `${entry.name} ${decision === 'approve' ? 'approved' : 'denied'}; ${
          result.rescoredFindings
        } finding(s) rescored`,
      );
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <TextField
        size="small"
        id={`reason-${entry.id}`}
        label="Reason"
        value={reason}
        onChange={e => setReason(e.target.value)}
      />
      <Button
        color="primary"
        variant="contained"
        size="small"
        onClick={() => decide('approve')}
      >
        Approve
      </Button>
      <Button size="small" variant="outlined" onClick={() => decide('deny')}>
        Deny
      </Button>
      {problem && (
        <Typography color="error" role="alert" variant="body2">
          {problem}
        </Typography>
      )}
    </Box>
  );
}

const NOTHING_PENDING = <EmptyRows title="Nothing waits for approval" />;

function approvalColumns(
  onDone: (message: string) => void,
): TableColumn<RegistryEntry>[] {
  return [
    { title: 'Name', field: 'name', cellStyle: wholeWords },
    {
      title: 'Owner / team',
      field: 'owner',
      cellStyle: wholeWords,
      render: entry => (
        <>
          {entry.owner}
          <br />
          {entry.team}
        </>
      ),
    },
    { title: 'Purpose', field: 'purpose' },
    {
      title: 'Identity',
      sorting: false,
      render: entry => describeIdentity(entry.identity),
    },
    {
      title: 'Tools',
      sorting: false,
      render: entry => <PinnedToolsSummary entry={entry} />,
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      cellStyle: oneLine,
      render: entry => <ExpiryBadge entry={entry} />,
    },
    {
      title: 'Decision',
      sorting: false,
      render: entry => <Decision entry={entry} onDone={onDone} />,
    },
  ];
}

/** Pending registrations, for admins to approve or deny. The backend enforces who may. */
export function ApprovalsPage() {
  const api = useApi(mcpeekerApiRef);
  const [message, setMessage] = useState<string>();
  const pending = useAsyncRetry(
    () => api.listRegistry({ status: ['pending'], limit: 200 }),
    [api],
  );
  const { retry } = pending;
  const columns = useMemo(
    () =>
      approvalColumns(m => {
        setMessage(m);
        retry();
      }),
    [retry],
  );
  return (
    <>
      {message && (
        <Typography role="status" style={{ marginBottom: 16 }}>
          {message}
        </Typography>
      )}
      {pending.error ? (
        <ResponseErrorPanel error={pending.error} />
      ) : (
        <>
          {/* Reloading keeps the rows in view; the first load is the table's own. */}
          {pending.loading && pending.value && <Progress />}
          <Table<RegistryEntry>
            title="Pending registrations"
            columns={columns}
            data={pending.value?.items ?? []}
            isLoading={pending.loading && !pending.value}
            emptyContent={NOTHING_PENDING}
            options={listOptions(pending.value?.items.length ?? 0)}
          />
        </>
      )}
    </>
  );
}
