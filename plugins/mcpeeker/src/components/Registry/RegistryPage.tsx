import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Paper from '@material-ui/core/Paper';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { REGISTRY_STATUSES } from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { FilterSelect } from '../FilterSelect';
import Grid from '@material-ui/core/Grid';
import { ExpiryBadge, StatusChip } from './EntryParts';
import { errorMessage } from './RegisterForm';

/** Asks the backend whether detection sees what an entry describes. */
function CheckDetection({ entryId }: { entryId: string }) {
  const api = useApi(mcpeekerApiRef);
  const [result, setResult] = useState<string>();
  const check = async () => {
    try {
      const { matches } = await api.verifyEntry(entryId);
      setResult(
        matches.length === 0
          ? 'not detected'
          : `detected: ${matches.length} finding(s), highest score ${Math.max(
              ...matches.map(m => m.score),
            )}`,
      );
    } catch (error) {
      setResult(errorMessage(error));
    }
  };
  return result ? (
    <span data-testid="detection-result">{result}</span>
  ) : (
    <Button size="small" onClick={check}>
      Check
    </Button>
  );
}

/**
 * The registry: entries with status, owner, team and expiry (orange within
 * 14 days). "My MCPs only" is a developer's My MCPs view; developers only ever get
 * their own entries from the backend anyway.
 */
export function RegistryPage() {
  const api = useApi(mcpeekerApiRef);
  const identityApi = useApi(identityApiRef);
  const [status, setStatus] = useState('');
  const [mine, setMine] = useState(false);
  const { value, loading, error } = useAsync(async () => {
    const { userEntityRef } = await identityApi.getBackstageIdentity();
    return {
      me: userEntityRef,
      page: await api.listRegistry({
        status: status ? [status as any] : undefined,
        owner: mine ? userEntityRef : undefined,
        limit: 200,
      }),
    };
  }, [api, identityApi, status, mine]);

  return (
    <>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        <FilterSelect
          label="Status"
          value={status}
          onChange={setStatus}
          options={[
            ['', 'Any'],
            ...REGISTRY_STATUSES.map(s => [s, s] as [string, string]),
          ]}
        />
        <Grid item>
          <FormControlLabel
            control={
              <Switch
                checked={mine}
                onChange={e => setMine(e.target.checked)}
                inputProps={{ 'aria-label': 'My MCPs only' }}
              />
            }
            label="My MCPs only"
          />
        </Grid>
        <Grid item style={{ flex: 1 }} />
        <Grid item>
          <Button
            variant="contained"
            color="primary"
            component={RouterLink}
            to="new"
          >
            Register a server
          </Button>
        </Grid>
      </Grid>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.page.items.length === 0 && (
        <EmptyState
          missing="data"
          title="No registry entries"
          description="Register the MCP servers you use so that they are recognised, and approved, instead of flagged."
        />
      )}
      {value && value.page.items.length > 0 && (
        <Paper>
          <Typography variant="body2" style={{ padding: 16 }}>
            {value.page.totalCount} entries
          </Typography>
          <Table size="small" aria-label="Registry entries">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Owner</TableCell>
                <TableCell>Team</TableCell>
                <TableCell>Purpose</TableCell>
                <TableCell>Expires</TableCell>
                <TableCell>Detection</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.page.items.map(entry => (
                <TableRow key={entry.id} data-testid="registry-row">
                  <TableCell>{entry.name}</TableCell>
                  <TableCell>
                    <StatusChip status={entry.status} />
                  </TableCell>
                  <TableCell>
                    {entry.owner === value.me
                      ? `${entry.owner} (you)`
                      : entry.owner}
                  </TableCell>
                  <TableCell>{entry.team}</TableCell>
                  <TableCell>{entry.purpose}</TableCell>
                  <TableCell>
                    <ExpiryBadge entry={entry} />
                  </TableCell>
                  <TableCell>
                    <CheckDetection entryId={entry.id} />
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
