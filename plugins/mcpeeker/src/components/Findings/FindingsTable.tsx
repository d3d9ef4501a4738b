import { useState } from 'react';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { findingRouteRef } from '../../routes';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { ClassificationChip } from './ClassificationChip';
import { FilterSelect } from '../FilterSelect';

const PAGE = 25;

/** One labelled drop-down of the filter bar. */

/** The analysts' list: filter, sort, page through findings. */
export function FindingsTable() {
  const api = useApi(mcpeekerApiRef);
  const findingUrl = useRouteRef(findingRouteRef);
  const [classification, setClassification] = useState('');
  const [layer, setLayer] = useState('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<'score' | 'lastSeen'>('score');
  // Cursors of the pages before the current one, for "Previous".
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const resetPaging = () => setCursors([undefined]);

  const { value, loading, error } = useAsync(
    () =>
      api.listFindings({
        classification: classification ? [classification] : undefined,
        layer: layer || undefined,
        q: text || undefined,
        sort,
        limit: PAGE,
        cursor,
      }),
    [api, classification, layer, text, sort, cursor],
  );

  return (
    <Paper>
      <Grid container spacing={2} style={{ padding: 16 }} alignItems="center">
        <FilterSelect
          label="Classification"
          value={classification}
          options={[
            ['', 'Any'],
            ['unauthorized', 'Unauthorized'],
            ['suspect', 'Suspect'],
            ['authorized', 'Authorized'],
          ]}
          onChange={v => {
            setClassification(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Layer"
          value={layer}
          options={[
            ['', 'Any'],
            ['endpoint', 'Endpoint'],
            ['network', 'Network'],
            ['gateway', 'Gateway'],
          ]}
          onChange={v => {
            setLayer(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Sort by"
          value={sort}
          options={[
            ['score', 'Score'],
            ['lastSeen', 'Last seen'],
          ]}
          onChange={v => {
            setSort(v as 'score' | 'lastSeen');
            resetPaging();
          }}
        />
        <Grid item>
          <TextField
            label="Search server or owner"
            value={text}
            onChange={e => {
              setText(e.target.value);
              resetPaging();
            }}
          />
        </Grid>
        <Grid item style={{ marginLeft: 'auto' }}>
          {value && (
            <Typography variant="body2">
              {value.totalCount}
              {value.totalCountCapped ? '+' : ''} findings
            </Typography>
          )}
        </Grid>
      </Grid>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Table size="small" aria-label="Findings">
          <TableHead>
            <TableRow>
              <TableCell>Score</TableCell>
              <TableCell>Server</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Host</TableCell>
              <TableCell>Layers</TableCell>
              <TableCell>Last seen</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.length === 0 && (
              <TableRow>
                <TableCell colSpan={6}>
                  <Typography variant="body2">
                    No findings match. Agents report with{' '}
                    <code>mcpeeker-agent run</code>.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
            {value.items.map(f => (
              <TableRow key={f.compositeId} data-testid="finding-row">
                <TableCell>
                  <ClassificationChip
                    score={f.score}
                    classification={f.classification}
                  />
                </TableCell>
                <TableCell>
                  <Link to={findingUrl?.({ id: f.compositeId }) ?? ''}>
                    {f.serverName ?? f.compositeId}
                  </Link>
                </TableCell>
                <TableCell>{f.owner ?? '—'}</TableCell>
                <TableCell title={f.hostIdHash}>
                  {f.hostIdHash ? `${f.hostIdHash.slice(0, 10)}…` : '—'}
                </TableCell>
                <TableCell>
                  {f.layers.map(l => (
                    <Chip
                      key={l}
                      size="small"
                      variant="outlined"
                      label={l}
                      style={{ marginRight: 4 }}
                    />
                  ))}
                </TableCell>
                <TableCell>{new Date(f.lastSeen).toLocaleString()}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Grid
        container
        justifyContent="flex-end"
        spacing={1}
        style={{ padding: 8 }}
      >
        <Grid item>
          <Button
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous
          </Button>
        </Grid>
        <Grid item>
          <Button
            disabled={!value?.nextCursor}
            onClick={() => setCursors([...cursors, value?.nextCursor])}
          >
            Next
          </Button>
        </Grid>
      </Grid>
    </Paper>
  );
}
