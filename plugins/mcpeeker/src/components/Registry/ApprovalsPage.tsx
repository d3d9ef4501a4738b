import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { errorMessage } from './RegisterForm';
import { describeIdentity, ExpiryBadge } from './EntryParts';

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
    <>
      <TextField
        size="small"
        id={`reason-${entry.id}`}
        label="Reason"
        value={reason}
        onChange={e => setReason(e.target.value)}
      />{' '}
      <Button
        color="primary"
        variant="contained"
        size="small"
        onClick={() => decide('approve')}
      >
        Approve
      </Button>{' '}
      <Button size="small" variant="outlined" onClick={() => decide('deny')}>
        Deny
      </Button>
      {problem && (
        <Typography color="error" role="alert" variant="body2">
          {problem}
        </Typography>
      )}
    </>
  );
}

/** Pending registrations, for admins to approve or deny. The backend enforces who may. */
export function ApprovalsPage() {
  const api = useApi(mcpeekerApiRef);
  const [message, setMessage] = useState<string>();
  const pending = useAsyncRetry(
    () => api.listRegistry({ status: ['pending'], limit: 200 }),
    [api],
  );
  return (
    <>
      {message && (
        <Typography role="status" style={{ marginBottom: 16 }}>
          {message}
        </Typography>
      )}
      {pending.loading && <Progress />}
      {pending.error && <ResponseErrorPanel error={pending.error} />}
      {pending.value && pending.value.items.length === 0 && (
        <EmptyState missing="data" title="Nothing waits for approval" />
      )}
      {pending.value && pending.value.items.length > 0 && (
        <Paper>
          <Table size="small" aria-label="Pending registrations">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Owner / team</TableCell>
                <TableCell>Purpose</TableCell>
                <TableCell>Identity</TableCell>
                <TableCell>Expires</TableCell>
                <TableCell>Decision</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {pending.value.items.map(entry => (
                <TableRow key={entry.id} data-testid="approval-row">
                  <TableCell>{entry.name}</TableCell>
                  <TableCell>
                    {entry.owner}
                    <br />
                    {entry.team}
                  </TableCell>
                  <TableCell>{entry.purpose}</TableCell>
                  <TableCell>{describeIdentity(entry.identity)}</TableCell>
                  <TableCell>
                    <ExpiryBadge entry={entry} />
                  </TableCell>
                  <TableCell>
                    <Decision
                      entry={entry}
                      onDone={m => {
                        setMessage(m);
                        pending.retry();
                      }}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
    </>
  );
}
